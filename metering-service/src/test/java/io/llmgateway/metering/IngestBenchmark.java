package io.llmgateway.metering;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Ingest throughput and lag, off by default; run with
 * {@code ./mvnw -pl metering-service verify -Dtest=IngestBenchmark -Dmetering.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false}. Two measurements, printed as {@code INGEST BENCHMARK} lines:
 * <ul>
 * <li>sustained: a producer XADDs at a fixed rate ({@code metering.bench.rate}, 20,000/s) for
 * {@code metering.bench.seconds} (15) while a probe measures the lag of probe events, from the moment their
 * XADD was sent until they are visible in the minute time-series (p50/p99/max);</li>
 * <li>drain: {@code metering.bench.events} (100,000) XADDed as fast as possible, then the time until all
 * are visible.</li>
 * </ul>
 * Ingest runs with the production settings (block 1 s, rollup every 30 s), not the test profile's.
 * Only exactness is asserted (every event counted once); the numbers are printed, never asserted.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@WithTestResource(AuthStub.class)
@TestProfile(IngestBenchmark.ProductionIngest.class)
@EnabledIfSystemProperty(named = "metering.bench", matches = "true")
class IngestBenchmark {

    /** The production defaults of the settings the test profile shortens. */
    public static class ProductionIngest implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.ingest.block", "1s", "gateway.ingest.claim-min-idle", "60s",
                    "gateway.ingest.claim-interval", "10s", "gateway.storage.rollup-interval", "30s");
        }
    }

    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final String[] MODELS = {"openai/gpt-4o", "openai/gpt-4o-mini", "anthropic/claude-3.5",
            "google/gemini-2", "meta/llama-3"};
    private static final String[] PROVIDERS = {"openai", "azure", "together", "fireworks"};

    @Inject
    Redis redis;
    @Inject
    RedisKeys keys;

    @Test
    void sustainedRateAndLag() throws Exception {
        int rate = Integer.getInteger("metering.bench.rate", 20_000);
        int seconds = Integer.getInteger("metering.bench.seconds", 15);
        int n = rate * seconds;
        String account = TestSupport.newAccount();
        String probeAccount = TestSupport.newAccount();
        long startSecond = System.currentTimeMillis() / 1000;
        // templates prepared up front so the producer costs little CPU; created_at = the second it is sent in
        Payloads payloads = new Payloads(account);
        int probesPerSecond = 10;
        int probeCount = seconds * probesPerSecond;
        long[] probeSent = new long[probeCount];
        Map<String, Long> probeVisible = new ConcurrentHashMap<>();
        Thread probe = startProbe(probeAccount, probeVisible);

        long start = System.nanoTime();
        int sent = 0;
        int probes = 0;
        while (sent < n) {
            long elapsed = System.nanoTime() - start;
            // at most 1000 commands per pipeline (the client's limit of waiting commands is 2048)
            int due = (int) Math.min(Math.min(n, sent + 1000), elapsed * rate / 1_000_000_000L);
            List<Request> batch = new ArrayList<>();
            for (; sent < due; sent++) {
                batch.add(xadd(payloads.get(sent, startSecond + sent / rate)));
            }
            if (probes < probeCount && elapsed >= probes * (1_000_000_000L / probesPerSecond)) {
                // the probe is the last entry of this pipeline: every event sent before it is ahead of it
                batch.add(xadd(TestSupport.json(TestSupport.ok(probeAccount, "probe-" + probes, MODELS[0], PROVIDERS[0],
                        startSecond + probes / probesPerSecond, "0.0001"))));
                probeSent[probes++] = System.nanoTime();
            }
            if (!batch.isEmpty()) {
                redis.batch(batch).await().atMost(Duration.ofSeconds(30));
            }
            if (due < elapsed * rate / 1_000_000_000L) {
                continue; // behind schedule: send the rest at once
            }
            Thread.sleep(5);
        }
        long published = System.nanoTime();
        long visible = awaitCount(account, n);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (probeVisible.size() < probes && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        probe.interrupt();
        probe.join();
        assertEquals(probes, probeVisible.size(), "every probe became visible");
        double[] lags = new double[probes];
        for (int i = 0; i < probes; i++) {
            lags[i] = (probeVisible.get("probe-" + i) - probeSent[i]) / 1e9;
        }
        Arrays.sort(lags);
        System.out.printf("%nINGEST BENCHMARK sustained: target %d events/s for %d s: published %d events in %.2f s"
                        + " (%.0f/s), all visible after %.2f s (%.0f events/s), last visible %.2f s after publishing ended;"
                        + " lag XADD->time-series of %d probes: p50 %.2f s, p90 %.2f s, p99 %.2f s, max %.2f s%n%n",
                rate, seconds, n, (published - start) / 1e9, n / ((published - start) / 1e9), (visible - start) / 1e9,
                n / ((visible - start) / 1e9), (visible - published) / 1e9, probes, pct(lags, 0.5), pct(lags, 0.9),
                pct(lags, 0.99), lags[lags.length - 1]);
    }

    @Test
    void drainBacklog() {
        int n = Integer.getInteger("metering.bench.events", 100_000);
        String account = TestSupport.newAccount();
        long created = System.currentTimeMillis() / 1000;
        Payloads templates = new Payloads(account);
        List<String> payloads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            payloads.add(templates.get(i, created));
        }
        long start = System.nanoTime();
        for (int from = 0; from < n; from += 1000) {
            List<Request> batch = new ArrayList<>();
            for (int i = from; i < Math.min(n, from + 1000); i++) {
                batch.add(xadd(payloads.get(i)));
            }
            redis.batch(batch).await().atMost(Duration.ofSeconds(30));
        }
        long published = System.nanoTime();
        long visible = awaitCount(account, n);
        double seconds = (visible - start) / 1e9;
        System.out.printf("%nINGEST BENCHMARK drain: %d events, publish %.2f s, all visible after %.2f s: %.0f events/s, "
                + "last event visible %.2f s after publishing ended%n%n", n, (published - start) / 1e9, seconds,
                n / seconds, (visible - published) / 1e9);
    }

    /**
     * Realistic events (20 keys x 5 models x 4 providers, 900 prices) from 900 serialised templates; only
     * the generation id and created_at differ per event, so building one costs a string replace.
     */
    private static final class Payloads {
        private static final long TS = 7_777_777_777L;
        private final String[] templates = new String[900];
        private final String[] ids = new String[900];
        private final String run = java.util.UUID.randomUUID().toString().substring(0, 8);

        Payloads(String account) {
            for (int i = 0; i < templates.length; i++) {
                var e = TestSupport.ok(account, "key-" + (i % 20), MODELS[i % MODELS.length],
                        PROVIDERS[i % PROVIDERS.length], TS, "0.000" + (100 + i % 900));
                templates[i] = TestSupport.json(e);
                ids[i] = e.generationId().substring(e.generationId().lastIndexOf('-') + 1);
            }
        }

        String get(int i, long createdAt) {
            String unique = run + String.format("%012d", i);
            return templates[i % 900].replace(ids[i % 900], unique).replace(Long.toString(TS), Long.toString(createdAt));
        }
    }

    private Request xadd(String payload) {
        return Request.cmd(Command.XADD).arg(keys.usageStream()).arg("*").arg(RedisKeys.DATA_FIELD).arg(payload)
                .arg(RedisKeys.TRACEPARENT_FIELD).arg(TRACEPARENT);
    }

    /** Polls the probe account's minute rows (one key per probe) and notes when each first appears. */
    private static Thread startProbe(String probeAccount, Map<String, Long> visible) {
        Thread t = new Thread(() -> {
            try (Connection c = TestSupport.db(); PreparedStatement ps = c.prepareStatement(
                    "SELECT key_hash FROM usage_minute WHERE account_id = ?")) {
                ps.setString(1, probeAccount);
                while (!Thread.currentThread().isInterrupted()) {
                    Set<String> seen = new HashSet<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            seen.add(rs.getString(1));
                        }
                    }
                    long now = System.nanoTime();
                    seen.forEach(k -> visible.putIfAbsent(k, now));
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "lag-probe");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits until the account's minute rows count n requests; answers System.nanoTime() at that moment. */
    private static long awaitCount(String account, int n) {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            long counted = TestSupport.count("SELECT coalesce(sum(requests), 0) FROM usage_minute WHERE account_id = '"
                    + account + "'");
            if (counted >= n) {
                long visible = System.nanoTime();
                assertEquals(n, counted, "every event counted exactly once");
                return visible;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("not all " + n + " events became visible");
    }

    private static double pct(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
