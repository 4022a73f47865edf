package io.llmgateway.system.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.system.support.CloseAfterEach;
import io.llmgateway.system.support.GatewaySuite;
import io.llmgateway.system.support.IsolatedSuite;
import io.llmgateway.system.support.PrivatePostgres;
import io.llmgateway.system.support.PrivateRedis;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The suite's PostgreSQL (a private server: catalog, auth and metering all use it) crashes in the middle
 * of steady traffic, stays away for several seconds and comes back on the same port and data. Routing
 * never touches PostgreSQL on the request path (keys and catalog are in memory, admission is in Redis),
 * so every request is still answered 200; the usage events of the outage wait in the stream (the
 * batches that failed stay pending and are retried) and, once the database is back, each reaches
 * metering and auth's ledger exactly once.
 */
class PostgreSQLOutageTest {

    private static final int BEFORE = 30;
    private static final int AFTER = 30;
    private static final long OUTAGE_MS = 8_000;
    /**
     * A batch that failed because the database was away stays pending and is retried once idle this long
     * (production: metering 60 s, auth 30 s, checked every 10 s): shortened so the test stays short; the
     * mechanism is the same. auth dead-letters an entry the database keeps rejecting after a number of
     * deliveries; an unreachable database must never count: with the cap at 2, an entry retried during
     * the outage would be dead-lettered if it did.
     */
    private static final Map<String, Map<String, String>> FAST_RETRY = Map.of(
            "metering-service", Map.of("GATEWAY_INGEST_CLAIM_MIN_IDLE", "5s", "GATEWAY_INGEST_CLAIM_INTERVAL", "2s"),
            "auth-service", Map.of("GATEWAY_USAGE_CLAIM_MIN_IDLE", "5s", "GATEWAY_USAGE_CLAIM_INTERVAL", "2s",
                    "GATEWAY_USAGE_MAX_DELIVERIES", "2"));
    private static final List<String> MODULES = List.of("provider-simulator", "catalog-service", "auth-service",
            "metering-service", "routing-service");

    private PrivateRedis redis;
    private PrivatePostgres postgres;
    private IsolatedSuite suite;

    @RegisterExtension
    final CloseAfterEach started = new CloseAfterEach();

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void ingestResumesAndNothingIsLostAfterAPostgresOutage() throws Exception {
        assumeTrue(PrivatePostgres.binaries().isPresent(), "no PostgreSQL server binaries (initdb, pg_ctl) on this"
                + " machine: a private server cannot be started, so the outage cannot be staged");
        redis = started.add(PrivateRedis.start());
        postgres = started.add(PrivatePostgres.start());
        suite = started.add(IsolatedSuite.start(redis.url(), postgres.locator(), FAST_RETRY));
        GatewaySuite.Account account = suite.createAccount("10.00");
        ChatLoad load = new ChatLoad(suite, account.inferenceKey());
        long testStart = System.currentTimeMillis() / 1000;

        for (int i = 0; i < BEFORE; i++) {
            load.send(i);
        }
        postgres.crash();
        long crashedAt = System.currentTimeMillis();
        assertFalse(postgres.accepting(), "PostgreSQL is down");
        // during the outage, at a steady ~10 requests/s
        List<String> meteringReadiness = new ArrayList<>();
        int i = BEFORE;
        while (System.currentTimeMillis() - crashedAt < OUTAGE_MS) {
            load.send(i++);
            if (i % 20 == 0) {
                // the status alone: 503 shows metering saw the database go
                meteringReadiness.add(suite.describeGet(suite.service("metering-service").url() + "/q/health/ready",
                        null).split(" ", 2)[0]);
            }
            Thread.sleep(100);
        }
        int outageEnd = i;
        postgres.restart();
        long restartedAt = System.currentTimeMillis();
        for (int n = 0; n < AFTER; n++) {
            load.send(i++);
        }
        List<ChatLoad.Outcome> ok = load.successes();
        String report = "requests " + load.outcomes.size() + ", 200s " + ok.size() + ", PostgreSQL crashed before #"
                + BEFORE + ", restarted before #" + outageEnd + " (" + (restartedAt - crashedAt) + " ms down)"
                + "\n timeline: " + load.timeline() + "\n failures:\n" + load.failureSummary()
                + "\n metering readiness during the outage: " + meteringReadiness;
        System.out.println("[PostgreSQLOutageTest] " + report);

        assertTrue(outageEnd - BEFORE >= 20, "the outage saw load: " + report);
        assertTrue(meteringReadiness.contains("503"), "metering reported the database down during the outage: "
                + report);
        assertEquals(load.outcomes.size(), ok.size(), "routing needs no PostgreSQL to answer: every request is"
                + " answered 200, during the outage too\n" + report + suite.logTails());

        // the services recover by themselves: every one ready again
        for (String module : MODULES) {
            String url = suite.service(module).url() + "/q/health/ready";
            JsonNode health = ChatLoad.eventually(() -> suite.getJson(url, null), 60_000);
            assertTrue(health != null && "UP".equals(health.path("status").asText()), module + " is ready again"
                    + " after the outage: " + suite.describeGet(url, null) + suite.logTails());
        }

        // nothing lost: every answered generation is in metering, with the cost the client was told
        long checkStart = System.currentTimeMillis();
        Map<String, String> unmetered = load.unmetered(suite.baseUrl() + "/generation?id=", account.inferenceKey(),
                60_000);
        if (!unmetered.isEmpty()) {
            fail(unmetered.size() + " of " + ok.size() + " answered generations are not (correctly) in metering 60 s"
                    + " after the outage: " + unmetered + "\n" + report + "\npostgres:\n" + postgres.tail()
                    + suite.logTails());
        }
        System.out.println("[PostgreSQLOutageTest] all " + ok.size() + " generations found in metering "
                + (System.currentTimeMillis() - checkStart) + " ms after the load ended");

        // nothing twice: metering's buckets hold each generation once, auth debited each once
        BigDecimal total = load.totalCost();
        long now = System.currentTimeMillis() / 1000;
        JsonNode series = suite.getJson(suite.baseUrl() + "/usage/timeseries?granularity=minute"
                + "&metrics=requests,errors,cost&from=" + (testStart - 120) + "&to=" + (now + 120),
                account.managementKey());
        assertTrue(series != null, "time-series answered" + suite.logTails());
        Map<String, BigDecimal> sums = ChatLoad.sumSeries(series, "requests", "errors", "cost");
        JsonNode credits = ChatLoad.creditsOnceUsageIs(suite, account, total, 60_000);
        System.out.println("[PostgreSQLOutageTest] metering time-series " + sums + ", client total cost " + total
                + ", credits " + (credits == null ? null : credits.path("data")));
        assertEquals(ok.size(), sums.get("requests").intValue(), "metering counts each generation once: " + sums
                + "\n" + series);
        assertEquals(0, sums.get("errors").intValue(), "no request failed: " + sums);
        assertEquals(0, total.compareTo(sums.get("cost")), "metering's cost equals the answered cost: " + sums
                + " vs " + total);
        assertTrue(credits != null, "auth debits every answered request once: total_usage should be " + total
                + " but GET /credits answers " + suite.describeGet(suite.baseUrl() + "/credits",
                        account.managementKey()) + "\n" + report + suite.logTails());
        assertEquals(":0", redis.command("XLEN " + suite.redisPrefix() + "gw:usage:dead"),
                "an outage is not poison: no usage entry was dead-lettered");
    }
}
