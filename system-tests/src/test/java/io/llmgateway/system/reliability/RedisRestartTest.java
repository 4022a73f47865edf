package io.llmgateway.system.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.system.support.CloseAfterEach;
import io.llmgateway.system.support.GatewaySuite;
import io.llmgateway.system.support.IsolatedSuite;
import io.llmgateway.system.support.PrivateRedis;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis crashes (SIGKILL) in the middle of steady traffic and comes back on the same port with the
 * same AOF directory. Requests the gateway cannot admit while it is away may fail, but only with the
 * error envelope; every request that was answered 200 must still reach metering (routing keeps the
 * usage events in memory or spills them to disk and replays them) and be charged exactly once.
 */
class RedisRestartTest {

    private static final int REQUESTS = 150;
    private static final int KILL_AT = 50;
    private static final long OUTAGE_MS = 4_000;

    private PrivateRedis redis;
    private IsolatedSuite suite;

    @RegisterExtension
    final CloseAfterEach started = new CloseAfterEach();

    /** Every provider serving the model answers only after {@code delay}. */
    private void slowProviders(Duration delay) throws Exception {
        JsonNode snapshot = IsolatedSuite.JSON.readTree(suite.send("GET", suite.service("catalog-service").url()
                + "/internal/snapshot", null, null, Duration.ofSeconds(10)).body());
        Set<String> providers = new HashSet<>();
        for (JsonNode m : snapshot.path("models")) {
            if (m.path("id").asText().equals(ChatLoad.MODEL)) {
                m.path("endpoints").forEach(e -> providers.add(e.path("provider").asText()));
            }
        }
        assertTrue(!providers.isEmpty(), "no provider serves " + ChatLoad.MODEL);
        for (String provider : providers) {
            HttpResponse<String> r = suite.send("PUT", suite.service("provider-simulator").url() + "/sim/providers/"
                    + provider, null, "{\"ttft_ms\":" + delay.toMillis() + "}", Duration.ofSeconds(5));
            assertEquals(200, r.statusCode() / 100 * 100, "simulator refused the delay: " + r.body());
        }
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everyAnsweredRequestIsMeteredAndChargedOnceAcrossARedisCrash() throws Exception {
        redis = started.add(PrivateRedis.start());
        suite = started.add(IsolatedSuite.start(redis.url()));
        GatewaySuite.Account account = suite.createAccount("10.00");
        ChatLoad load = new ChatLoad(suite, account.inferenceKey());
        long testStart = System.currentTimeMillis() / 1000;

        long killedAt = 0;
        long restartedAt = 0;
        int restartIndex = -1;
        long loopDeadline = System.currentTimeMillis() + 75_000;
        ChatLoad.Outcome inFlight = null;
        for (int i = 0; i < REQUESTS && System.currentTimeMillis() < loopDeadline; i++) {
            if (i == KILL_AT) {
                // the crash hits request #KILL_AT while it waits on its provider: admitted with Redis up,
                // answered with Redis down, so its usage event has to wait in routing for Redis
                slowProviders(Duration.ofMillis(1500));
                CompletableFuture<Long> crash = CompletableFuture.supplyAsync(() -> {
                    try {
                        Thread.sleep(500);
                        redis.kill(true);
                        return System.currentTimeMillis();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                inFlight = load.send(i);
                killedAt = crash.get(20, TimeUnit.SECONDS);
                suite.send("DELETE", suite.service("provider-simulator").url() + "/sim/providers", null, null,
                        Duration.ofSeconds(5));
                continue;
            }
            if (killedAt > 0 && restartedAt == 0 && System.currentTimeMillis() - killedAt >= OUTAGE_MS) {
                redis.restart();
                restartedAt = System.currentTimeMillis();
                restartIndex = i;
            }
            if (killedAt > 0 && (restartedAt == 0 || !load.outcomes.get(load.outcomes.size() - 1).ok())) {
                // while Redis is away (and until the gateway answers again) keep a steady ~10 requests/s
                // instead of a burst of fast 503s
                Thread.sleep(100);
            }
            load.send(i);
        }
        if (restartedAt == 0) {
            redis.restart();
            restartedAt = System.currentTimeMillis();
            restartIndex = load.outcomes.size();
        }
        List<ChatLoad.Outcome> ok = load.successes();
        int firstOkAfterRestart = -1;
        for (ChatLoad.Outcome o : load.outcomes) {
            if (o.index() >= restartIndex && o.ok()) {
                firstOkAfterRestart = o.index();
                break;
            }
        }
        String report = "requests " + load.outcomes.size() + ", 200s " + ok.size() + ", Redis killed before #" + KILL_AT
                + ", restarted before #" + restartIndex + " (" + (restartedAt - killedAt) + " ms down), first 200 after"
                + " restart #" + firstOkAfterRestart + ", request in flight at the crash: " + inFlight + "\n timeline: " + load.timeline() + "\n failures:\n"
                + load.failureSummary();
        System.out.println("[RedisRestartTest] " + report);

        assertEquals(REQUESTS, load.outcomes.size(), "the load loop ran out of time: " + report + suite.logTails());
        assertTrue(load.outcomes.subList(0, KILL_AT).stream().allMatch(ChatLoad.Outcome::ok),
                "every request before the crash succeeds: " + report + suite.logTails());
        List<String> malformed = load.nonEnvelopeFailures();
        assertTrue(malformed.isEmpty(), "failures during the outage must be the error envelope: " + malformed + "\n"
                + report + suite.logTails());
        List<ChatLoad.Outcome> tail = load.outcomes.subList(REQUESTS - 20, REQUESTS);
        assertTrue(tail.stream().allMatch(ChatLoad.Outcome::ok),
                "the gateway serves again once Redis is back (last 20 requests): " + report + suite.logTails());

        // no usage event lost: every 200 reaches metering, with the cost the client was told
        long checkStart = System.currentTimeMillis();
        Map<String, String> unmetered = load.unmetered(suite.baseUrl() + "/generation?id=", account.inferenceKey(),
                60_000);
        if (!unmetered.isEmpty()) {
            fail(unmetered.size() + " of " + ok.size() + " answered generations are not (correctly) in metering after"
                    + " 60 s: " + unmetered + "\n" + report + "\nredis:\n" + redis.tail() + suite.logTails());
        }

        System.out.println("[RedisRestartTest] all " + ok.size() + " generations found in metering "
                + (System.currentTimeMillis() - checkStart) + " ms after the load ended");

        // charged exactly once: the credits used equal the sum of the answered costs
        BigDecimal total = load.totalCost();
        JsonNode credits = ChatLoad.creditsOnceUsageIs(suite, account, total, 30_000);
        assertTrue(credits != null, "credits total_usage should be the sum of the 200 responses' cost " + total
                + " but GET /credits answers " + suite.describeGet(suite.baseUrl() + "/credits", account.managementKey())
                + "\n" + report + suite.logTails());

        // and counted once in metering's time-series
        long now = System.currentTimeMillis() / 1000;
        JsonNode series = suite.getJson(suite.baseUrl() + "/usage/timeseries?granularity=minute&metrics=requests,errors,cost"
                + "&from=" + (testStart - 120) + "&to=" + (now + 120), account.managementKey());
        assertTrue(series != null, "time-series answered");
        Map<String, BigDecimal> sums = ChatLoad.sumSeries(series, "requests", "errors", "cost");
        System.out.println("[RedisRestartTest] metering time-series " + sums + ", client total cost " + total
                + ", credits " + credits.path("data"));
        assertEquals(0, total.compareTo(sums.get("cost")), "metering's cost equals the answered cost: " + sums
                + " vs " + total + "\n" + series);
        assertEquals(ok.size(), sums.get("requests").intValue() - sums.get("errors").intValue(),
                "metering counts every answered request once (requests - errors): " + sums);
        ChatLoad.assertNothingDeadLettered(redis, suite);
    }
}
