package io.llmgateway.system.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.system.support.CloseAfterEach;
import io.llmgateway.system.support.GatewaySuite;
import io.llmgateway.system.support.IsolatedSuite;
import io.llmgateway.system.support.PrivateRedis;
import io.llmgateway.system.support.ServiceProcess;
import io.llmgateway.testsupport.InfraLocator;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * auth-service and catalog-service are killed -9 together while routing serves traffic, stay away past
 * the key cache's TTL and several catalog refreshes, and come back on their ports. What routing
 * promises (routing-service/README.md, docs/operations.md "Dependency outages"):
 * <ul>
 * <li>a key it has state for (looked up before, or announced on {@code gw:key-events} since it started)
 * keeps working from that state however stale, and the last good catalog snapshot keeps routing, so chat
 * completions go on answering 200 and routing stays ready;</li>
 * <li>a key it has no state for cannot be checked: 503 "Key verification unavailable" in the error
 * envelope, at once (connection refused; at most the 5 s auth call timeout), never a hang or a bare 500;</li>
 * <li>the paths it proxies to a dead owner answer 503 in the envelope;</li>
 * <li>once auth is back, its consumer group catches up on the usage stream: the account is debited
 * exactly the cost of every request served during the outage.</li>
 * </ul>
 */
class DependencyOutageTest {

    private static final int BEFORE = 10;
    private static final long OUTAGE_MS = 15_000;
    private static final Map<String, Map<String, String>> ENV = Map.of(
            // the outage outlasts twice the key TTL (the point past which routing must ask auth and, auth
            // being dead, falls back to the stale entry) and several catalog refreshes (each one fails and
            // keeps the last snapshot): short values so both paths run within a short test
            "routing-service", Map.of("GATEWAY_KEYS_TTL", "3s", "GATEWAY_CATALOG_REFRESH_INTERVAL", "2s"),
            // entries the killed auth had read but not debited are taken over after this idle time
            // (production 30 s, checked every 10 s): shortened, same mechanism
            "auth-service", Map.of("GATEWAY_USAGE_CLAIM_MIN_IDLE", "5s", "GATEWAY_USAGE_CLAIM_INTERVAL", "2s"));
    private static final List<String> MODULES = List.of("provider-simulator", "catalog-service", "auth-service",
            "metering-service", "routing-service");

    private PrivateRedis redis;
    private IsolatedSuite suite;

    @RegisterExtension
    final CloseAfterEach started = new CloseAfterEach();

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void routingServesKnownKeysFromItsCachesWhileAuthAndCatalogAreDown() throws Exception {
        redis = started.add(PrivateRedis.start());
        suite = started.add(IsolatedSuite.start(redis.url(), InfraLocator.postgres(), ENV));
        GatewaySuite.Account account = suite.createAccount("10.00");
        // a second inference key of the same account, never used before the outage: routing learns it from
        // the key event auth publishes on creation, not from a lookup
        String unusedKey = suite.post(suite.baseUrl() + "/keys", account.managementKey(),
                "{\"name\":\"first used during the outage\"}").path("key").asText();
        ChatLoad known = new ChatLoad(suite, account.inferenceKey());
        ChatLoad unused = new ChatLoad(suite, unusedKey);
        ChatLoad bogus = new ChatLoad(suite, "sk-or-v1-" + "0".repeat(64));

        for (int i = 0; i < BEFORE; i++) {
            known.send(i);
        }
        assertEquals(BEFORE, known.successes().size(), "the suite serves before the outage: " + known.timeline()
                + "\n" + known.failureSummary() + suite.logTails());
        BigDecimal before = known.totalCost();
        JsonNode settled = ChatLoad.creditsOnceUsageIs(suite, account, before, 30_000);
        assertTrue(settled != null, "the warm-up is debited: " + suite.describeGet(suite.baseUrl() + "/credits",
                account.managementKey()) + suite.logTails());
        BigDecimal balanceBefore = balance(settled);

        ServiceProcess auth = suite.service("auth-service");
        ServiceProcess catalog = suite.service("catalog-service");
        auth.kill();
        catalog.kill();
        assertFalse(auth.isAlive() || catalog.isAlive(), "auth and catalog were killed");
        long killedAt = System.currentTimeMillis();

        List<String> proxied = new ArrayList<>();
        List<String> routingReadiness = new ArrayList<>();
        int i = BEFORE;
        while (System.currentTimeMillis() - killedAt < OUTAGE_MS) {
            known.send(i);
            if (i % 10 == 0) {
                unused.send(i);
                bogus.send(i);
                proxied.add("models " + statusAndCode(suite.baseUrl() + "/models", null));
                proxied.add("key " + statusAndCode(suite.baseUrl() + "/key", account.inferenceKey()));
                routingReadiness.add(suite.describeGet(suite.service("routing-service").url() + "/q/health/ready",
                        null).split(" ", 2)[0]);
            }
            i++;
            Thread.sleep(100);
        }
        int outageEnd = i;

        // both come back on their ports while the traffic goes on
        CompletableFuture<Void> back = CompletableFuture.allOf(restart("auth-service"), restart("catalog-service"));
        long restartStarted = System.currentTimeMillis();
        while (!back.isDone() && System.currentTimeMillis() - restartStarted < 90_000) {
            known.send(i++);
            Thread.sleep(100);
        }
        long restartedAt = System.currentTimeMillis();
        back.get(5, TimeUnit.SECONDS);

        String report = "known key: " + known.outcomes.size() + " requests, " + known.successes().size()
                + " 200s; auth+catalog killed before #" + BEFORE + ", restarted from #" + outageEnd + " (down "
                + (restartedAt - killedAt) + " ms until both were ready again)\n timeline: " + known.timeline()
                + "\n failures:\n" + known.failureSummary()
                + "\n created-but-unused key during the outage: " + unused.timeline() + "\n" + unused.failureSummary()
                + "\n bogus key during the outage: " + bogus.timeline() + "\n" + bogus.failureSummary()
                + "\n proxied to the dead owners: " + proxied.stream().distinct().toList()
                + "\n routing readiness: " + routingReadiness;
        System.out.println("[DependencyOutageTest] " + report);

        // a known key and the known catalog: every request answered, routing ready throughout
        assertEquals(known.outcomes.size(), known.successes().size(), "a key seen before the outage keeps working"
                + " from routing's caches: every request 200\n" + report + suite.logTails());
        assertTrue(routingReadiness.stream().allMatch("200"::equals), "routing stays ready: " + routingReadiness);

        assertFalse(unused.outcomes.isEmpty(), "probes ran");
        assertEquals(unused.outcomes.size(), unused.successes().size(), "a key created before the outage reached"
                + " routing's cache through gw:key-events and works without auth\n" + report);

        // a key routing has no state for cannot be checked: a clear, fast 503 envelope
        assertTrue(bogus.nonEnvelopeFailures().isEmpty(), "failures are the error envelope: "
                + bogus.nonEnvelopeFailures());
        for (ChatLoad.Outcome o : bogus.outcomes) {
            assertEquals(503, o.status(), "a key routing has no state for cannot be verified while auth is down: "
                    + o + "\n" + report);
            assertTrue(o.body().contains("Key verification unavailable"), "the message says why: " + o.body());
            assertTrue(o.millis() < 6_000, "answered within the auth call timeout, no hang: " + o);
        }
        assertTrue(proxied.stream().allMatch(p -> p.endsWith(" 503/503")), "proxied paths of a dead owner answer"
                + " 503 in the envelope: " + proxied);

        // after the outage: the suite is healthy, new keys work, unknown ones are refused
        for (String module : MODULES) {
            String url = suite.service(module).url() + "/q/health/ready";
            JsonNode health = ChatLoad.eventually(() -> suite.getJson(url, null), 30_000);
            assertTrue(health != null && "UP".equals(health.path("status").asText()), module + " is ready: "
                    + suite.describeGet(url, null) + suite.logTails());
        }
        ChatLoad created = new ChatLoad(suite, suite.post(suite.baseUrl() + "/keys", account.managementKey(),
                "{\"name\":\"created after the outage\"}").path("key").asText());
        ChatLoad.Outcome createdAfter = created.send(i++);
        assertEquals(200, createdAfter.status(), "a key created once auth is back works: " + createdAfter
                + suite.logTails());
        ChatLoad.Outcome bogusAfter = bogus.send(i++);
        assertEquals(401, bogusAfter.status(), "an unknown key is refused once auth can say so: " + bogusAfter);
        assertEquals("200/-", statusAndCode(suite.baseUrl() + "/models", null), "catalog answers through routing");

        // billed after auth returns: the balance drops by exactly what was served during and after the outage
        BigDecimal total = known.totalCost().add(unused.totalCost()).add(createdAfter.cost());
        BigDecimal servedSinceKill = total.subtract(before);
        JsonNode credits = ChatLoad.creditsOnceUsageIs(suite, account, total, 60_000);
        System.out.println("[DependencyOutageTest] balance before the outage " + balanceBefore + ", cost served since"
                + " the kill " + servedSinceKill + ", credits now " + (credits == null ? null : credits.path("data")));
        assertTrue(credits != null, "auth catches up and debits every request served while it was down: total_usage"
                + " should be " + total + " but GET /credits answers " + suite.describeGet(suite.baseUrl()
                        + "/credits", account.managementKey()) + "\n" + report + suite.logTails());
        assertEquals(0, balanceBefore.subtract(servedSinceKill).compareTo(balance(credits)),
                "balance after = balance before - cost served since the kill: " + credits);
        ChatLoad.assertNothingDeadLettered(redis, suite);
    }

    private CompletableFuture<Void> restart(String module) {
        return CompletableFuture.runAsync(() -> {
            try {
                suite.restart(module);
            } catch (Exception e) {
                throw new IllegalStateException(module + " did not come back: " + e.getMessage(), e);
            }
        });
    }

    private static BigDecimal balance(JsonNode credits) {
        JsonNode data = credits.path("data");
        return data.path("total_credits").decimalValue().subtract(data.path("total_usage").decimalValue());
    }

    /** "status/error.code" of a GET, e.g. "503/503"; "-1/-" when nothing answered, "200/-" without an error. */
    private String statusAndCode(String url, String bearer) {
        try {
            HttpResponse<String> r = suite.send("GET", url, bearer, null, Duration.ofSeconds(10));
            JsonNode code = r.statusCode() == 200 ? null : IsolatedSuite.JSON.readTree(r.body()).path("error")
                    .path("code");
            return r.statusCode() + "/" + (code == null || !code.isNumber() ? "-" : code.asText());
        } catch (Exception e) {
            return "-1/-";
        }
    }
}
