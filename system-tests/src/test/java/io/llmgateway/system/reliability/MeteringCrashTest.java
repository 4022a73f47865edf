package io.llmgateway.system.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.system.support.CloseAfterEach;
import io.llmgateway.system.support.GatewaySuite;
import io.llmgateway.system.support.IsolatedSuite;
import io.llmgateway.system.support.PrivateRedis;
import io.llmgateway.system.support.ServiceProcess;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * metering-service is killed -9 in the middle of steady traffic and a new process (same environment,
 * new port) takes over its consumer group. Inference is not on metering's path, so every request is
 * still answered; the new process must end up with every generation exactly once: the entries the dead
 * consumer read but never acknowledged are reclaimed, and those it had already committed are not
 * counted again.
 */
class MeteringCrashTest {

    private static final int REQUESTS = 150;
    private static final int KILL_AT = 50;
    /**
     * The replacement reclaims the dead consumer's unacknowledged entries once idle this long (production
     * default 60 s, checked every 10 s): shortened so the test stays short; the mechanism is the same.
     */
    private static final Map<String, String> FAST_RECLAIM = Map.of("GATEWAY_INGEST_CLAIM_MIN_IDLE", "10s",
            "GATEWAY_INGEST_CLAIM_INTERVAL", "2s");

    private PrivateRedis redis;
    private IsolatedSuite suite;

    @RegisterExtension
    final CloseAfterEach started = new CloseAfterEach();

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aCrashedMeteringLosesAndDoubleCountsNothing() throws Exception {
        redis = started.add(PrivateRedis.start());
        suite = started.add(IsolatedSuite.start(redis.url()));
        GatewaySuite.Account account = suite.createAccount("10.00");
        ChatLoad load = new ChatLoad(suite, account.inferenceKey());
        long testStart = System.currentTimeMillis() / 1000;

        ServiceProcess crashed = suite.service("metering-service");
        CompletableFuture<ServiceProcess> replacement = null;
        long loopDeadline = System.currentTimeMillis() + 75_000;
        for (int i = 0; i < REQUESTS && System.currentTimeMillis() < loopDeadline; i++) {
            if (i == KILL_AT) {
                crashed.kill();
                assertTrue(!crashed.isAlive(), "metering was killed");
                // the new process starts while the load goes on
                replacement = CompletableFuture.supplyAsync(() -> {
                    try {
                        return suite.replace("metering-service", FAST_RECLAIM);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            load.send(i);
        }
        String report = "requests " + load.outcomes.size() + ", 200s " + load.successes().size()
                + ", metering killed -9 before #" + KILL_AT + "\n timeline: " + load.timeline() + "\n failures:\n"
                + load.failureSummary();
        System.out.println("[MeteringCrashTest] " + report);
        assertEquals(REQUESTS, load.outcomes.size(), "the load loop ran out of time: " + report + suite.logTails());
        ServiceProcess metering;
        try {
            metering = replacement.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the replacement metering did not start: " + e + suite.logTails(), e);
        }
        List<ChatLoad.Outcome> ok = load.successes();
        assertEquals(REQUESTS, ok.size(), "inference does not depend on metering: every request is answered\n" + report
                + suite.logTails());

        // no loss: the new process has every generation, straight from it (not through routing)
        long checkStart = System.currentTimeMillis();
        Map<String, String> unmetered = load.unmetered(metering.url() + "/api/v1/generation?id=",
                account.inferenceKey(), 60_000);
        if (!unmetered.isEmpty()) {
            fail(unmetered.size() + " of " + ok.size() + " generations are not (correctly) in metering after 60 s: "
                    + unmetered + "\n" + report + suite.logTails());
        }

        System.out.println("[MeteringCrashTest] all " + ok.size() + " generations found in the new metering "
                + (System.currentTimeMillis() - checkStart) + " ms after the load ended");

        // no double count: the per-minute buckets hold each generation once
        BigDecimal total = load.totalCost();
        long now = System.currentTimeMillis() / 1000;
        String seriesUrl = metering.url() + "/api/v1/usage/timeseries?granularity=minute&metrics=requests,errors,cost"
                + "&from=" + (testStart - 120) + "&to=" + (now + 120);
        JsonNode series = suite.getJson(seriesUrl, account.managementKey());
        assertTrue(series != null, "time-series answered" + suite.logTails());
        Map<String, BigDecimal> sums = ChatLoad.sumSeries(series, "requests", "errors", "cost");
        JsonNode credits = ChatLoad.creditsOnceUsageIs(suite, account, total, 30_000);
        System.out.println("[MeteringCrashTest] metering time-series " + sums + ", client total cost " + total
                + ", credits " + (credits == null ? null : credits.path("data")));
        assertEquals(ok.size(), sums.get("requests").intValue(),
                "metering counts each generation once: " + sums + "\n" + series + suite.logTails());
        assertEquals(0, total.compareTo(sums.get("cost")), "metering's cost equals the answered cost: " + sums
                + " vs " + total);
        assertTrue(credits != null, "credits total_usage should be " + total + " but GET /credits answers "
                + suite.describeGet(suite.baseUrl() + "/credits", account.managementKey()) + suite.logTails());
        ChatLoad.assertNothingDeadLettered(redis, suite);
    }
}
