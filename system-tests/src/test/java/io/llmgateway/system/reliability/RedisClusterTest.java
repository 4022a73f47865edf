package io.llmgateway.system.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.system.support.CloseAfterEach;
import io.llmgateway.system.support.GatewaySuite;
import io.llmgateway.system.support.IsolatedSuite;
import io.llmgateway.system.support.RedisCluster;
import io.llmgateway.testsupport.InfraLocator;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole suite on a real Redis Cluster (three masters, one replica each, {@link RedisCluster}) with
 * {@code quarkus.redis.client-type=cluster}: keys and their change events, admission with a
 * per-minute limit, catalog change events, the usage stream split into three partitions (each its own hash
 * tag, so they spread over the masters; two accounts' events in two of them) read by metering's and auth's
 * consumer groups, its trimming, and the shared endpoint health. Then, under steady traffic, a manual failover
 * ({@code CLUSTER FAILOVER} on a replica) of every master in turn: no usage event may be lost or billed
 * twice, and the longest time without a successful answer is reported and bounded.
 */
class RedisClusterTest {

    /** Longest time the gateway may go without answering during one failover. */
    private static final Duration MAX_OUTAGE = Duration.ofSeconds(10);
    private static final int PARTITIONS = 3;

    private RedisCluster cluster;
    private IsolatedSuite suite;

    @RegisterExtension
    final CloseAfterEach started = new CloseAfterEach();

    @Test
    @Timeout(value = 360, unit = TimeUnit.SECONDS)
    void theSuiteRunsOnARedisClusterThroughMasterFailovers() throws Exception {
        assumeTrue(RedisCluster.available(), "redis-server >= 7 and redis-cli are needed for a Redis Cluster");
        long t0 = System.nanoTime();
        cluster = started.add(RedisCluster.start(3, 1));
        System.out.println("[RedisClusterTest] cluster of 3 masters + 3 replicas up in "
                + (System.nanoTime() - t0) / 1_000_000 + " ms: " + cluster.launcherUrl());
        Map<String, Map<String, String>> env = new HashMap<>();
        for (String module : List.of("provider-simulator", "catalog-service", "auth-service", "metering-service",
                "routing-service")) {
            env.put(module, new HashMap<>(Map.of("QUARKUS_REDIS_CLIENT_TYPE", "cluster")));
        }
        // every request runs the admission script on the cluster (no leases), and the traffic key is not held
        // to the default 600 requests a minute
        env.get("routing-service").putAll(Map.of("GATEWAY_CREDITS_LEASE_REQUESTS", "0", "GATEWAY_LIMITS_DEFAULT_RPM",
                "1000000"));
        // entries a consumer read but could not acknowledge around a failover are reclaimed after this idle time
        env.get("metering-service").putAll(Map.of("GATEWAY_INGEST_CLAIM_MIN_IDLE", "10s",
                "GATEWAY_INGEST_CLAIM_INTERVAL", "2s"));
        env.get("auth-service").putAll(Map.of("GATEWAY_USAGE_CLAIM_MIN_IDLE", "10s", "GATEWAY_USAGE_CLAIM_INTERVAL",
                "2s"));
        // the usage stream split into partitions, each its own hash tag: they land on different masters, and
        // metering's and auth's consumers read every one
        for (String module : List.of("routing-service", "auth-service", "metering-service")) {
            env.get(module).put("GATEWAY_USAGE_PARTITIONS", String.valueOf(PARTITIONS));
        }
        suite = started.add(IsolatedSuite.start(cluster.hosts(), InfraLocator.postgres(), env));
        String prefix = suite.redisPrefix();
        RedisKeys keys = new RedisKeys(prefix);
        List<String> partitions = keys.usageStreams(PARTITIONS);
        List<Integer> partitionMasters = new ArrayList<>();
        for (String partition : partitions) {
            partitionMasters.add(cluster.masterOf(partition));
        }
        System.out.println("[RedisClusterTest] usage partitions on masters " + partitionMasters + ", key events on " + cluster.masterOf(prefix + "gw:key-events") + ", catalog events on "
                + cluster.masterOf(prefix + "gw:catalog-events") + "; masters " + cluster.masters());

        keyEventsReachRouting();
        limitHeld();
        catalogEventsReachRouting();

        // steady traffic on one account while every master fails over in turn
        GatewaySuite.Account account = suite.createAccount("20.00");
        ChatLoad load = new ChatLoad(suite, account.inferenceKey());
        // a second account in the same traffic: its counters live in another slot, so the batched releases
        // and corrections of pending counters span slots
        GatewaySuite.Account other = suite.createAccount("20.00");
        // and its usage events in another partition than the first account's
        while (RedisKeys.usagePartition(other.accountId(), PARTITIONS)
                == RedisKeys.usagePartition(account.accountId(), PARTITIONS)) {
            other = suite.createAccount("20.00");
        }
        ChatLoad otherLoad = new ChatLoad(suite, other.inferenceKey());
        List<Long> sentAt = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        long testStart = System.currentTimeMillis() / 1000;
        CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> {
            for (int i = 0; !stop.get() && i < 5000; i++) {
                long at = System.currentTimeMillis();
                load.send(i);
                synchronized (sentAt) {
                    sentAt.add(at);
                }
                otherLoad.send(i);
            }
        });
        Thread.sleep(2000);
        List<String> failovers = new ArrayList<>();
        for (int master : cluster.masters()) {
            int replica = cluster.replicaOf(master);
            Duration took = cluster.failover(master);
            failovers.add(master + "->" + replica + " in " + took.toMillis() + " ms");
            Thread.sleep(3000);
        }
        stop.set(true);
        traffic.get(60, TimeUnit.SECONDS);

        List<ChatLoad.Outcome> outcomes = load.outcomes;
        List<ChatLoad.Outcome> ok = load.successes();
        long longestGap = 0;
        long lastOk = sentAt.get(0);
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i).ok()) {
                long done = sentAt.get(i) + outcomes.get(i).millis();
                longestGap = Math.max(longestGap, done - lastOk);
                lastOk = done;
            }
        }
        String report = "requests " + outcomes.size() + ", 200s " + ok.size() + ", failovers " + failovers
                + ", longest time without a successful answer " + longestGap + " ms\n timeline: " + load.timeline()
                + "\n failures:\n" + load.failureSummary();
        System.out.println("[RedisClusterTest] " + report);
        assertTrue(ok.size() > 50, "traffic went through: " + report + suite.logTails());
        assertTrue(load.nonEnvelopeFailures().isEmpty(), "every failure is the error envelope: "
                + load.nonEnvelopeFailures());
        assertTrue(longestGap <= MAX_OUTAGE.toMillis(), "served again within " + MAX_OUTAGE + ": " + report);

        // no loss: every answered request is in metering, at the cost the client was told
        Map<String, String> unmetered = load.unmetered(suite.service("metering-service").url()
                + "/api/v1/generation?id=", account.inferenceKey(), 60_000);
        if (!unmetered.isEmpty()) {
            fail(unmetered.size() + " of " + ok.size() + " generations are not (correctly) in metering: " + unmetered
                    + "\n" + report + suite.logTails());
        }
        // no double count: metering's minute buckets hold each once, the ledger is debited exactly the total
        BigDecimal total = load.totalCost();
        long now = System.currentTimeMillis() / 1000;
        JsonNode series = suite.getJson(suite.service("metering-service").url()
                + "/api/v1/usage/timeseries?granularity=minute&metrics=requests,cost&from=" + (testStart - 120)
                + "&to=" + (now + 120), account.managementKey());
        Map<String, BigDecimal> sums = ChatLoad.sumSeries(series, "requests", "cost");
        assertEquals(ok.size(), sums.get("requests").intValue(), "each generation counted once: " + sums);
        assertEquals(0, total.compareTo(sums.get("cost")), "metering's cost equals the answered cost: " + sums
                + " vs " + total);
        JsonNode credits = ChatLoad.creditsOnceUsageIs(suite, account, total, 30_000);
        assertTrue(credits != null, "credits total_usage should be " + total + " but GET /credits answers "
                + suite.describeGet(suite.baseUrl() + "/credits", account.managementKey()) + suite.logTails());
        assertEquals("0", cluster.clusterCli("XLEN", prefix + "gw:usage:dead").trim(), "nothing dead-lettered");
        BigDecimal otherTotal = otherLoad.totalCost();
        assertTrue(ChatLoad.creditsOnceUsageIs(suite, other, otherTotal, 30_000) != null,
                "the second account is debited exactly " + otherTotal + ": "
                        + suite.describeGet(suite.baseUrl() + "/credits", other.managementKey()));
        // every reservation settled and released once its debit committed: the pending counters are back to 0
        for (GatewaySuite.Account a : List.of(account, other)) {
            String counter = prefix + "gw:{acct:" + a.accountId() + "}:pending";
            String settled = ChatLoad.eventually(() -> {
                try {
                    String v = cluster.clusterCli("GET", counter).trim();
                    return v.isEmpty() || "0".equals(v) ? "0" : null;
                } catch (Exception e) {
                    return null;
                }
            }, 20_000);
            assertTrue(settled != null, counter + " should be back to 0 but is " + cluster.clusterCli("GET", counter)
                    + suite.logTails());
        }

        // both accounts' partitions were written, then trimmed by routing to what the groups still need
        long used = partitions.stream().filter(p -> !"0".equals(xinfo(p))).count();
        assertTrue(used >= 2, "the two accounts' events went to two partitions: " + partitions.stream()
                .map(p -> p + "=" + xinfo(p)).toList());
        String left = ChatLoad.eventually(() -> {
            long n = partitions.stream().mapToLong(this::xlen).sum();
            return n >= 0 && n < ok.size() / 2 ? String.valueOf(n) : null;
        }, 20_000);
        assertTrue(left != null, "the usage partitions are trimmed once consumed");

        // shared endpoint health: routing's buckets are in the cluster, and no command was refused for its slots
        List<String> health = cluster.keys(prefix + "gw:{eh}:*");
        assertTrue(!health.isEmpty(), "endpoint-health buckets written to the cluster");
        String routingLog = Files.readString(suite.service("routing-service").log());
        for (String refused : List.of("CROSSSLOT", "different slots", "target different")) {
            assertTrue(!routingLog.contains(refused), "routing log mentions " + refused + suite.logTails());
        }
        System.out.println("[RedisClusterTest] all " + ok.size() + " generations metered once, ledger debited "
                + total + ", usage partitions trimmed to " + left + " entries, " + health.size()
                + " endpoint-health buckets; total " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    /** Disabling a key reaches routing through the key-events stream; enabling it again too. */
    private void keyEventsReachRouting() throws Exception {
        GatewaySuite.Account account = suite.createAccount("1.00");
        ChatLoad load = new ChatLoad(suite, account.inferenceKey());
        assertEquals(200, load.send(0).status(), "a first request on the cluster: " + load.failureSummary()
                + suite.logTails());
        patchKey(account, "{\"disabled\":true}");
        assertTrue(ChatLoad.eventually(() -> load.send(1).status() == 401 ? true : null, 10_000) != null,
                "a disabled key is refused by routing: " + load.timeline());
        patchKey(account, "{\"disabled\":false}");
        assertTrue(ChatLoad.eventually(() -> load.send(2).ok() ? true : null, 10_000) != null,
                "an enabled key is served again: " + load.timeline());
    }

    private void patchKey(GatewaySuite.Account account, String body) throws Exception {
        HttpResponse<String> r = suite.send("PATCH", suite.baseUrl() + "/keys/" + account.inferenceKeyHash(),
                account.managementKey(), body, Duration.ofSeconds(10));
        assertEquals(200, r.statusCode(), r.body());
    }

    /** A key limited to N requests a minute gets N, whichever master holds its counters. */
    private void limitHeld() throws Exception {
        GatewaySuite.Account account = suite.createAccount("1.00");
        JsonNode key = suite.post(suite.baseUrl() + "/keys", account.managementKey(),
                "{\"name\":\"limited\",\"rate_limit\":{\"requests_per_minute\":5}}");
        // all ten requests inside one minute
        while (LocalTime.now(ZoneOffset.UTC).getSecond() > 45) {
            Thread.sleep(500);
        }
        ChatLoad load = new ChatLoad(suite, key.path("key").asText());
        for (int i = 0; i < 10; i++) {
            load.send(i);
        }
        assertEquals(5, load.successes().size(), "5 of 10 admitted: " + load.timeline() + "\n" + load.failureSummary());
        assertTrue(load.outcomes.stream().filter(o -> !o.ok()).allMatch(o -> o.status() == 429), load.timeline());
    }

    /** Disabling a model's endpoints in catalog reaches routing through the catalog-events stream. */
    private void catalogEventsReachRouting() throws Exception {
        GatewaySuite.Account account = suite.createAccount("1.00");
        String model = "openai/gpt-4o-mini";
        JsonNode endpoints = suite.getJson(suite.baseUrl() + "/models/" + model + "/endpoints", account.inferenceKey());
        assertTrue(endpoints != null, "endpoints of " + model);
        List<String> ids = new ArrayList<>();
        endpoints.path("data").path("endpoints").forEach(e -> ids.add(e.path("id").asText()));
        assertTrue(!ids.isEmpty(), endpoints.toString());
        String catalog = suite.service("catalog-service").url();
        String chat = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        for (String id : ids) {
            HttpResponse<String> r = suite.send("PATCH", catalog + "/admin/endpoints/" + id, suite.operatorToken(),
                    "{\"enabled\":false}", Duration.ofSeconds(10));
            assertEquals(200, r.statusCode(), r.body());
        }
        Integer refused = ChatLoad.eventually(() -> {
            int s = status(account, chat);
            return s != 200 && s > 0 ? s : null;
        }, 10_000);
        assertTrue(refused != null, "routing stopped serving " + model + " after its endpoints were disabled");
        for (String id : ids) {
            suite.send("PATCH", catalog + "/admin/endpoints/" + id, suite.operatorToken(), "{\"enabled\":true}",
                    Duration.ofSeconds(10));
        }
        assertTrue(ChatLoad.eventually(() -> status(account, chat) == 200 ? true : null, 10_000) != null,
                "routing serves " + model + " again after its endpoints were enabled");
    }

    private int status(GatewaySuite.Account account, String body) {
        try {
            return suite.send("POST", suite.baseUrl() + "/chat/completions", account.inferenceKey(), body,
                    Duration.ofSeconds(10)).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Entries in a stream of the cluster; -1 when the cluster does not answer. */
    private long xlen(String stream) {
        try {
            return Long.parseLong(cluster.clusterCli("XLEN", stream).trim());
        } catch (Exception e) {
            return -1;
        }
    }

    /** How many entries were ever added to a stream (its {@code entries-added}), as text. */
    private String xinfo(String stream) {
        try {
            String info = cluster.clusterCli("XINFO", "STREAM", stream);
            String[] lines = info.split("\\R");
            for (int i = 0; i + 1 < lines.length; i++) {
                if ("entries-added".equals(lines[i].trim())) {
                    return lines[i + 1].trim();
                }
            }
            return "0";
        } catch (Exception e) {
            return "0";
        }
    }
}
