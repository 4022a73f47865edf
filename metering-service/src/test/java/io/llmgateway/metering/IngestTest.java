package io.llmgateway.metering;

import static io.llmgateway.metering.TestSupport.await;
import static io.llmgateway.metering.TestSupport.count;
import static io.llmgateway.metering.TestSupport.ok;
import static io.llmgateway.metering.TestSupport.publish;
import static io.llmgateway.metering.TestSupport.scalar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.metering.persistence.RollupRepository;
import io.llmgateway.metering.persistence.UsageBatchWriter;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Ingest against the real Redis stream and PostgreSQL: idempotency, reclaim, exactness, rollups, dead letters. */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@WithTestResource(AuthStub.class)
class IngestTest {

    @Inject
    RedisDataSource redis;
    @Inject
    RedisKeys keys;
    @Inject
    UsageBatchWriter writer;
    @Inject
    RollupRepository rollups;

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void sameEventTwiceCountsOnce() {
        String account = TestSupport.newAccount();
        UsageEvent e = ok(account, "k1", "openai/gpt-4o", "openai", now(), "0.00123");
        publish(redis, keys, e);
        publish(redis, keys, e);
        assertCountedOnce(account, 1, "0.00123");
    }

    @Test
    void consumerKilledBeforeAckIsReclaimedWithoutDoubleCount() {
        String account = TestSupport.newAccount();
        UsageEvent committed = ok(account, "k1", "openai/gpt-4o", "openai", now(), "0.5");
        UsageEvent notCommitted = ok(account, "k1", "openai/gpt-4o", "openai", now(), "0.25");
        var streams = redis.stream(String.class);
        // a consumer of another process reads both entries (atomically with the XADDs, so ours cannot)...
        var result = redis.withTransaction(tx -> {
            var s = tx.stream(String.class);
            s.xadd(keys.usageStream(), Map.of(RedisKeys.DATA_FIELD, TestSupport.json(committed)));
            s.xadd(keys.usageStream(), Map.of(RedisKeys.DATA_FIELD, TestSupport.json(notCommitted)));
            s.xreadgroup("metering", "dead-consumer-" + account, keys.usageStream(), ">");
        });
        assertTrue(!result.discarded() && !result.hasErrors());
        List<?> read = result.get(2);
        assertTrue(read.size() >= 2, "the dead consumer holds both entries");
        // ...commits the first one to the database, then dies before XACK
        writer.write(List.of(committed)).await().atMost(Duration.ofSeconds(10));
        assertTrue(streams.xpending(keys.usageStream(), "metering").getPendingCount() >= 2);

        assertCountedOnce(account, 2, "0.75"); // both reclaimed and stored
    }

    @Test
    void duplicatesInsideOneBatchAndAcrossConcurrentBatchesCountOnce() {
        // pipelined workers run several transactions at once; a redelivery may sit in another in-flight
        // batch, in any order: the batches must neither deadlock nor count an event twice
        String account = TestSupport.newAccount();
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            events.add(ok(account, "k" + (i % 3), "openai/gpt-4o", "openai", now(), "0.001"));
        }
        List<UsageEvent> forward = new ArrayList<>(events);
        forward.add(events.get(0)); // the same generation twice inside one batch
        List<UsageEvent> backward = new ArrayList<>(events);
        java.util.Collections.reverse(backward);
        var first = writer.write(forward).subscribeAsCompletionStage();
        var second = writer.write(backward).subscribeAsCompletionStage();
        int inserted = first.toCompletableFuture().join() + second.toCompletableFuture().join();
        assertEquals(200, inserted);
        assertEquals(200, count("SELECT sum(requests) FROM usage_minute WHERE account_id = '" + account + "'"));
        assertEquals(0, new BigDecimal("0.2").compareTo((BigDecimal) scalar(
                "SELECT sum(cost) FROM usage_minute WHERE account_id = '" + account + "'")));
    }

    @Test
    void eventsArrivingOneByOneShareTransactions() throws InterruptedException {
        // 5 ms apart: without the linger (gateway.ingest.linger=0) one of the two workers is waiting in
        // XREADGROUP for nearly every event, 25-35 transactions for 40 events; with 50 ms about 13
        String account = TestSupport.newAccount();
        int n = 40;
        long started = System.nanoTime();
        for (int i = 0; i < n; i++) {
            publish(redis, keys, ok(account, "k", "openai/gpt-4o", "openai", now(), "0.01"));
            Thread.sleep(5);
        }
        long publishMs = (System.nanoTime() - started) / 1_000_000;
        // the bound holds for events 5 ms apart; a machine that stretched the pace several times over
        // spread them past the linger, and the count says nothing about it
        org.junit.jupiter.api.Assumptions.assumeTrue(publishMs < n * 5 * 3,
                "publishing took " + publishMs + " ms, not about " + n * 5);
        awaitStored(account, n);
        // ingested_at defaults to now(), the transaction's start
        long transactions = count("SELECT count(DISTINCT ingested_at) FROM generations WHERE account_id = '" + account + "'");
        assertTrue(transactions <= n / 2, transactions + " transactions for " + n + " events");
    }

    @Test
    void minuteBucketsEqualARecomputationFromRawGenerations() {
        String account = TestSupport.newAccount();
        Random random = new Random(42);
        String[] models = {"openai/gpt-4o", "anthropic/claude-3.5", "google/gemini-2"};
        String[] providers = {"openai", "azure"};
        String[] statuses = {UsageEvent.STATUS_SUCCESS, UsageEvent.STATUS_SUCCESS, UsageEvent.STATUS_ERROR,
                UsageEvent.STATUS_CANCELLED};
        long base = now() - 600;
        int n = 300;
        for (int i = 0; i < n; i++) {
            String status = statuses[random.nextInt(statuses.length)];
            UsageEvent e = TestSupport.event(account, "key-" + random.nextInt(3), models[random.nextInt(3)],
                    providers[random.nextInt(2)], base + random.nextInt(600), random.nextInt(5000), random.nextInt(2000),
                    "0.000" + (100 + random.nextInt(900)) + "7", 50 + random.nextInt(5000),
                    random.nextBoolean() ? null : (long) random.nextInt(40), status,
                    UsageEvent.STATUS_ERROR.equals(status) ? (random.nextBoolean() ? 429 : 502) : 200);
            publish(redis, keys, e);
            if (i % 7 == 0) {
                publish(redis, keys, e); // redeliveries sprinkled in
            }
        }
        awaitStored(account, n);
        String recomputed = """
                SELECT date_trunc('minute', created_at) b, key_hash, model, provider, endpoint_id, count(*) r,
                  count(*) FILTER (WHERE status = 'error') e, count(*) FILTER (WHERE status = 'error' AND http_status = 429) rl,
                  count(*) FILTER (WHERE status = 'cancelled') c, sum(prompt_tokens) pt, sum(completion_tokens) ct,
                  sum(reasoning_tokens) rt, sum(cached_tokens) cat, sum(cost) co, sum(latency_ms) l,
                  coalesce(sum(ttft_ms), 0) t, count(ttft_ms) tc
                FROM generations WHERE account_id = '%s' GROUP BY 1, 2, 3, 4, 5""".formatted(account);
        String buckets = """
                SELECT bucket_start b, key_hash, model, provider, endpoint_id, requests r, errors e, rate_limited rl,
                  cancelled c, prompt_tokens pt, completion_tokens ct, reasoning_tokens rt, cached_tokens cat, cost co,
                  latency_ms_sum l, ttft_ms_sum t, ttft_count tc
                FROM usage_minute WHERE account_id = '%s'""".formatted(account);
        assertEquals(0, count("SELECT count(*) FROM ((" + recomputed + ") EXCEPT (" + buckets + ")) x"),
                "every recomputed row has an identical bucket");
        assertEquals(0, count("SELECT count(*) FROM ((" + buckets + ") EXCEPT (" + recomputed + ")) x"),
                "every bucket has an identical recomputed row");
        assertEquals(n, count("SELECT sum(h) FROM (SELECT unnest(latency_hist) h FROM usage_minute WHERE account_id = '"
                + account + "') x"), "latency histograms hold every request");
    }

    @Test
    void hourAndDayRollupsRespectUtcBoundaries() {
        String account = TestSupport.newAccount();
        long midnight = LocalDate.now(ZoneOffset.UTC).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        List<UsageEvent> events = new ArrayList<>();
        events.add(ok(account, "k", "m/a", "p", midnight - 3600 - 1, "1.000001"));  // yesterday 22:59:59
        events.add(ok(account, "k", "m/a", "p", midnight - 3600, "2"));             // yesterday 23:00:00
        events.add(ok(account, "k", "m/a", "p", midnight - 1, "3"));                // yesterday 23:59:59
        events.add(ok(account, "k", "m/a", "p", midnight, "4"));                    // today 00:00:00
        events.add(ok(account, "k", "m/a", "p", midnight + 59, "5"));               // today 00:00:59
        events.forEach(e -> publish(redis, keys, e));
        await("stored", () -> count("SELECT count(*) FROM generations WHERE account_id = '" + account + "'") == 5);
        rollups.rollDirty().await().atMost(Duration.ofSeconds(30));

        String hours = "SELECT string_agg(to_char(bucket_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24') || '=' || cost || '/'"
                + " || requests, ',' ORDER BY bucket_start) FROM usage_hour WHERE account_id = '" + account + "'";
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate yesterday = today.minusDays(1);
        assertEquals(yesterday + " 22=1.000001/1," + yesterday + " 23=5/2," + today + " 00=9/2", scalar(hours));
        String days = "SELECT string_agg(to_char(bucket_start AT TIME ZONE 'UTC', 'YYYY-MM-DD') || '=' || cost || '/'"
                + " || requests, ',' ORDER BY bucket_start) FROM usage_day WHERE account_id = '" + account + "'";
        assertEquals(yesterday + "=6.000001/3," + today + "=9/2", scalar(days));

        // a late event for an already rolled hour re-rolls that hour and its day, replacing (not adding) totals
        publish(redis, keys, ok(account, "k", "m/a", "p", midnight - 10, "0.5"));
        await("late event stored", () -> count("SELECT count(*) FROM generations WHERE account_id = '" + account + "'") == 6);
        rollups.rollDirty().await().atMost(Duration.ofSeconds(30));
        rollups.rollDirty().await().atMost(Duration.ofSeconds(30));
        assertEquals(yesterday + "=6.500001/4," + today + "=9/2", scalar(days));
    }

    @Test
    void poisonEntriesGoToTheDeadLetterStreamWithAReason() {
        String account = TestSupport.newAccount();
        UsageEvent good = ok(account, "k", "m/a", "p", now(), "0.1");
        UsageEvent negative = TestSupport.event(account, "k", "m/a", "p", now(), -5, 1, "0.1", 10, null,
                UsageEvent.STATUS_SUCCESS, 200);
        UsageEvent noId = new UsageEvent(null, now(), "k", account, "m", "m", "p", "e", null, null, null, 1, 1, 0, 0,
                false, BigDecimal.ONE, 1, 1, null, 1, false, false, "success", 200, null, null, null, null, null, null);
        var streams = redis.stream(String.class);
        String badJson = TestSupport.publishRaw(redis, keys, Map.of(RedisKeys.DATA_FIELD, "{not json " + account));
        String noData = TestSupport.publishRaw(redis, keys, Map.of("other", account));
        String neg = publish(redis, keys, negative);
        String missingId = publish(redis, keys, noId);
        String old = publish(redis, keys, ok(account, "k", "m/a", "p", now() - 40 * 86_400L, "0.1"));
        publish(redis, keys, good);

        await("good event stored", () -> count("SELECT count(*) FROM generations WHERE account_id = '" + account + "'") == 1);
        await("five dead letters", () -> streams.xrange(keys.usageDeadLetterStream(), StreamRange.of("-", "+")).stream()
                .filter(m -> List.of(badJson, noData, neg, missingId, old).contains(m.payload().get("source_id")))
                .count() == 5);
        Map<String, String> reasons = new java.util.HashMap<>();
        streams.xrange(keys.usageDeadLetterStream(), StreamRange.of("-", "+"))
                .forEach(m -> reasons.put(m.payload().get("source_id"), m.payload().get("reason")));
        assertTrue(reasons.get(badJson).startsWith("invalid JSON"), reasons.get(badJson));
        assertEquals("missing field 'data'", reasons.get(noData));
        assertEquals("negative token count", reasons.get(neg));
        assertEquals("missing generation_id", reasons.get(missingId));
        assertTrue(reasons.get(old).startsWith("created_at older than"), reasons.get(old));
        awaitNoPending();
        String metrics = io.restassured.RestAssured.get("/q/metrics").asString();
        assertTrue(metrics.contains("metering_ingest_dead_letters_total{reason=\"negative_token_count\"}"), metrics);
    }

    private void awaitNoPending() {
        await("no pending entries", () -> redis.stream(String.class).xpending(keys.usageStream(), "metering")
                .getPendingCount() == 0);
    }

    /** Waits until the account has {@code generations} stored and ingest has acknowledged all it read. */
    private void awaitStored(String account, long generations) {
        await(generations + " generations stored",
                () -> count("SELECT count(*) FROM generations WHERE account_id = '" + account + "'") == generations);
        awaitNoPending();
    }

    /** Each generation stored and counted once: the per-minute rows hold its request and cost exactly once. */
    private void assertCountedOnce(String account, long generations, String cost) {
        awaitStored(account, generations);
        assertEquals(generations, count("SELECT sum(requests) FROM usage_minute WHERE account_id = '" + account + "'"));
        assertEquals(0, new BigDecimal(cost).compareTo((BigDecimal) scalar(
                "SELECT sum(cost) FROM usage_minute WHERE account_id = '" + account + "'")));
    }
}
