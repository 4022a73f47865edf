package io.llmgateway.system.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.system.support.CloseAfterEach;
import io.llmgateway.system.support.GatewaySuite;
import io.llmgateway.system.support.IsolatedSuite;
import io.llmgateway.system.support.PrivateRedis;
import io.llmgateway.system.support.ServiceProcess;
import io.llmgateway.testsupport.InfraLocator;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two routing, two auth and two metering replicas behind one Redis and one PostgreSQL, under steady
 * traffic spread over both routing replicas, while one replica of each service in turn is killed -9 and
 * started again. Every request is answered or refused cleanly (a dead routing replica refuses the
 * connection, as a load balancer would see it); every answered request is metered once and debited once,
 * including one a routing replica answered right before its kill -9 (its usage event is in the replica's
 * journal, which the restarted replica sends); a key limited to N requests a minute gets at most N through
 * both routing replicas; the time each replica took to be ready again is reported.
 */
class ReplicaChaosTest {

    private static final int LIMIT = 6;
    /** Kill rounds (each kills one replica of every service in turn); bench/chaos.sh raises it for longer runs. */
    private static final int ROUNDS = Integer.getInteger("chaos.rounds", 1);

    private PrivateRedis redis;
    private IsolatedSuite suite;

    @RegisterExtension
    final CloseAfterEach started = new CloseAfterEach();

    @Test
    void killingOneReplicaOfEachServiceLosesAndDoubleChargesNothing() {
        // one round fits 7 minutes; each further round restarts three replicas (well under two minutes)
        assertTimeoutPreemptively(Duration.ofSeconds(420 + 120L * (ROUNDS - 1)), this::killReplicasUnderTraffic);
    }

    private void killReplicasUnderTraffic() throws Exception {
        long t0 = System.nanoTime();
        redis = started.add(PrivateRedis.start());
        Map<String, Map<String, String>> env = new HashMap<>();
        // a killed consumer's unacknowledged entries are reclaimed by its sibling after this idle time
        env.put("metering-service", Map.of("GATEWAY_INGEST_CLAIM_MIN_IDLE", "10s", "GATEWAY_INGEST_CLAIM_INTERVAL",
                "2s"));
        env.put("auth-service", Map.of("GATEWAY_USAGE_CLAIM_MIN_IDLE", "10s", "GATEWAY_USAGE_CLAIM_INTERVAL", "2s"));
        // the traffic key is not held to the default 600 requests a minute
        env.put("routing-service", Map.of("GATEWAY_LIMITS_DEFAULT_RPM", "1000000"));
        suite = started.add(IsolatedSuite.start(redis.url(), InfraLocator.postgres(), env));
        Map<String, CompletableFuture<ServiceProcess>> second = new HashMap<>();
        for (String module : List.of("routing-service", "auth-service", "metering-service")) {
            second.put(module, CompletableFuture.supplyAsync(() -> {
                try {
                    return suite.startReplica(module, 0);
                } catch (Exception e) {
                    throw new IllegalStateException(module + " replica did not start: " + e.getMessage(), e);
                }
            }));
        }
        Map<String, List<ServiceProcess>> replicas = new HashMap<>();
        for (String module : second.keySet()) {
            replicas.put(module, new ArrayList<>(List.of(suite.service(module), second.get(module).get(150,
                    TimeUnit.SECONDS))));
        }
        System.out.println("[ReplicaChaosTest] 2 routing, 2 auth, 2 metering up in " + (System.nanoTime() - t0) / 1_000_000
                + " ms");
        List<ServiceProcess> routing = replicas.get("routing-service");

        limitHeldAcrossRoutingReplicas(routing);

        GatewaySuite.Account account = suite.createAccount("20.00");
        ChatLoad load = new ChatLoad(suite, account.inferenceKey());
        AtomicBoolean stop = new AtomicBoolean();
        long testStart = System.currentTimeMillis() / 1000;
        CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> {
            for (int i = 0; !stop.get() && i < 20_000 * ROUNDS; i++) {
                // round robin over the routing replicas, as a load balancer does; a dead one refuses the connection
                load.send(i, routing.get(i % 2).url() + "/api/v1");
            }
        });
        Thread.sleep(2000);
        List<String> recoveries = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            // the second routing replica, the auth replica routing calls for keys, the second metering replica;
            // later rounds alternate so that every replica dies once
            int flip = round % 2;
            for (String[] victim : List.of(new String[] { "routing-service", String.valueOf(1 - flip) },
                    new String[] { "auth-service", String.valueOf(flip) },
                    new String[] { "metering-service", String.valueOf(1 - flip) })) {
                List<ServiceProcess> processes = replicas.get(victim[0]);
                int index = Integer.parseInt(victim[1]);
                ServiceProcess dead = processes.get(index);
                long killed = System.nanoTime();
                dead.kill();
                Thread.sleep(1000);
                ServiceProcess back = suite.startReplica(victim[0], dead.port());
                processes.set(index, back);
                recoveries.add(victim[0] + "#" + index + " ready again " + (System.nanoTime() - killed) / 1_000_000
                        + " ms after kill -9");
                Thread.sleep(2000);
            }
        }
        stop.set(true);
        traffic.get(60, TimeUnit.SECONDS);

        List<ChatLoad.Outcome> ok = load.successes();
        String report = "requests " + load.outcomes.size() + ", 200s " + ok.size() + "; " + recoveries
                + "\n failures:\n" + load.failureSummary();
        System.out.println("[ReplicaChaosTest] " + report);
        assertTrue(ok.size() > 50, "traffic went through: " + report + suite.logTails());
        // answered, or refused cleanly: the error envelope, or no connection (a dead routing replica)
        List<String> unclean = new ArrayList<>(load.nonEnvelopeFailures());
        unclean.removeIf(f -> f.contains("status -1"));
        assertTrue(unclean.isEmpty(), "every failure is the error envelope or a refused connection: " + unclean);

        // generations == successes, each at the cost the client was told, an answer sent right before its
        // routing replica's kill -9 included (journaled before its last byte, sent by the restarted replica)
        Map<String, String> unmetered = new LinkedHashMap<>(load.unmetered(replicas.get("metering-service").get(0)
                .url() + "/api/v1/generation?id=", account.inferenceKey(), 60_000));
        if (!unmetered.isEmpty()) {
            fail(unmetered.size() + " of " + ok.size() + " generations are not (correctly) in metering: " + unmetered
                    + "\n" + report + suite.logTails());
        }
        BigDecimal total = ok.stream().map(ChatLoad.Outcome::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
        long now = System.currentTimeMillis() / 1000;
        JsonNode series = suite.getJson(replicas.get("metering-service").get(0).url()
                + "/api/v1/usage/timeseries?granularity=minute&metrics=requests,cost&from=" + (testStart - 120)
                + "&to=" + (now + 120), account.managementKey());
        Map<String, BigDecimal> sums = ChatLoad.sumSeries(series, "requests", "cost");
        assertEquals(ok.size(), sums.get("requests").intValue(), "each generation counted once: " + sums);
        assertEquals(0, total.compareTo(sums.get("cost")), "metering's cost equals the answered cost: " + sums);
        // debits == generations: the ledger is charged exactly the answered total, once
        JsonNode credits = ChatLoad.creditsOnceUsageIs(suite, account, total, 45_000);
        assertTrue(credits != null, "credits total_usage should be " + total + " but GET /credits answers "
                + suite.describeGet(suite.baseUrl() + "/credits", account.managementKey()) + suite.logTails());
        ChatLoad.assertNothingDeadLettered(redis, suite);
        System.out.println("[ReplicaChaosTest] all " + ok.size() + " generations metered and debited once ("
                + total + " USD); total "
                + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    /** A key limited to N requests a minute gets at most N, alternating between the two routing replicas. */
    private void limitHeldAcrossRoutingReplicas(List<ServiceProcess> routing) throws Exception {
        GatewaySuite.Account account = suite.createAccount("1.00");
        JsonNode key = suite.post(suite.baseUrl() + "/keys", account.managementKey(),
                "{\"name\":\"limited\",\"rate_limit\":{\"requests_per_minute\":" + LIMIT + "}}");
        while (LocalTime.now(ZoneOffset.UTC).getSecond() > 45) {
            Thread.sleep(500);
        }
        ChatLoad load = new ChatLoad(suite, key.path("key").asText());
        for (int i = 0; i < 3 * LIMIT; i++) {
            load.send(i, routing.get(i % 2).url() + "/api/v1");
        }
        assertEquals(LIMIT, load.successes().size(), LIMIT + " of " + 3 * LIMIT + " admitted over two replicas: "
                + load.timeline() + "\n" + load.failureSummary());
        assertTrue(load.outcomes.stream().filter(o -> !o.ok()).allMatch(o -> o.status() == 429), load.timeline());
    }
}
