package io.llmgateway.metering;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Ingest throughput: XADDs N realistic events (pipelined, faster than ingest), then measures until every
 * one is visible in the minute time-series. Off by default; run with
 * {@code ./mvnw -pl metering-service verify -Dtest=IngestBenchmark -Dmetering.bench=true [-Dmetering.bench.events=200000]}.
 * It prints events/s and the lag of the last event (published to visible in the time-series).
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@WithTestResource(AuthStub.class)
@EnabledIfSystemProperty(named = "metering.bench", matches = "true")
class IngestBenchmark {

    @Inject
    Redis redis;
    @Inject
    RedisKeys keys;

    @Test
    void ingestThroughput() {
        int n = Integer.getInteger("metering.bench.events", 100_000);
        String account = TestSupport.newAccount();
        String[] models = {"openai/gpt-4o", "openai/gpt-4o-mini", "anthropic/claude-3.5", "google/gemini-2", "meta/llama-3"};
        String[] providers = {"openai", "azure", "together", "fireworks"};
        long created = System.currentTimeMillis() / 1000;
        List<String> payloads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            payloads.add(TestSupport.json(TestSupport.ok(account, "key-" + (i % 20), models[i % models.length],
                    providers[i % providers.length], created, "0.000" + (100 + i % 900))));
        }
        long start = System.nanoTime();
        for (int from = 0; from < n; from += 1000) {
            List<Request> batch = new ArrayList<>();
            for (int i = from; i < Math.min(n, from + 1000); i++) {
                batch.add(Request.cmd(Command.XADD).arg(keys.usageStream()).arg("*").arg(RedisKeys.DATA_FIELD)
                        .arg(payloads.get(i)).arg(RedisKeys.TRACEPARENT_FIELD)
                        .arg("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
            }
            redis.batch(batch).await().atMost(Duration.ofSeconds(30));
        }
        long published = System.nanoTime();
        long visible;
        while (true) {
            long counted = TestSupport.count("SELECT coalesce(sum(requests), 0) FROM usage_minute WHERE account_id = '"
                    + account + "'");
            if (counted >= n) {
                visible = System.nanoTime();
                assertEquals(n, counted);
                break;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        double seconds = (visible - start) / 1e9;
        System.out.printf("%nINGEST BENCHMARK: %d events, publish %.2f s, all visible after %.2f s: %.0f events/s, "
                + "last event visible %.2f s after publishing ended%n%n", n, (published - start) / 1e9, seconds,
                n / seconds, (visible - published) / 1e9);
    }
}
