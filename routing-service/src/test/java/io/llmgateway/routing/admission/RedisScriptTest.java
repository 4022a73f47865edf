package io.llmgateway.routing.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testsupport.InfraLocator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Script calls made in one event-loop turn go out together, calls with the same keys share one script
 * run, and each gets its own answer (real Redis).
 */
class RedisScriptTest {

    final Vertx vertx = Vertx.vertx();
    // as configured in production (quarkus.redis.max-pool-waiting): a burst may wait for connections
    final Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(InfraLocator.redis().url())
            .setMaxPoolSize(8).setMaxPoolWaiting(4096));
    final String prefix = "test:" + UUID.randomUUID() + ":";

    @AfterEach
    void close() throws Exception {
        redis.send(Request.cmd(Command.DEL).arg(prefix + "counter").arg(prefix + "runs").arg(prefix + "other"))
                .toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        redis.close();
        vertx.close();
    }

    /** Runs {@code calls} script calls in one turn of an event loop and returns their answers. */
    private List<Long> burst(RedisScript script, int calls) throws Exception {
        return burst(script, calls, i -> prefix + "counter");
    }

    private List<Long> burst(RedisScript script, int calls, java.util.function.IntFunction<String> counter)
            throws Exception {
        CompletableFuture<List<Long>> done = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                answers.add(script.run(redis, new String[] { counter.apply(i), prefix + "runs" }, new Object[0],
                        new Object[] { 1 }));
            }
            Future.all(answers).onComplete(ar -> {
                if (ar.failed()) {
                    done.completeExceptionally(ar.cause());
                    return;
                }
                List<Long> values = new ArrayList<>();
                answers.forEach(a -> values.add(a.result().toLong()));
                done.complete(values);
            });
        });
        return done.get(10, TimeUnit.SECONDS);
    }

    /** Adds each item to KEYS[1], answers each item with the counter after it, counts its runs in KEYS[2]. */
    private static RedisScript counting() {
        return new RedisScript("-- " + UUID.randomUUID() + """

                redis.call('INCR', KEYS[2])
                local out = {}
                for i = 1, tonumber(ARGV[1]) do out[i] = redis.call('INCRBY', KEYS[1], ARGV[1 + i]) end
                return out
                """);
    }

    private long get(String key) throws Exception {
        Response r = redis.send(Request.cmd(Command.GET).arg(key)).toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        return r == null ? 0 : r.toLong();
    }

    @Test
    void everyCallOfABurstGetsItsOwnAnswerEvenWhenRedisHasNotSeenTheScript() throws Exception {
        // a body Redis has never seen: the first calls meet NOSCRIPT and must be resent with EVAL, once each
        RedisScript script = counting();
        List<Long> first = burst(script, 40);
        List<Long> second = burst(script, 40);
        Set<Long> all = new TreeSet<>(first);
        all.addAll(second);
        assertEquals(80, all.size(), "each call ran exactly once: " + all);
        assertEquals(1L, all.iterator().next());
        assertEquals(80L, ((TreeSet<Long>) all).last());
        assertEquals(80L, get(prefix + "counter"));
        // the first call of a burst goes out alone; the other 39 share one run
        long runs = get(prefix + "runs");
        assertTrue(runs <= 6, "calls with the same keys shared their script runs: " + runs + " runs for 80 calls");
    }

    @Test
    void callsWithDifferentKeysArePipelinedAndStillGetTheirOwnAnswers() throws Exception {
        RedisScript script = counting();
        List<Long> answers = burst(script, 30, i -> prefix + (i % 2 == 0 ? "counter" : "other"));
        for (int i = 0; i < answers.size(); i++) {
            assertTrue(answers.get(i) >= 1 && answers.get(i) <= 15, "answer " + i + ": " + answers.get(i));
        }
        assertEquals(15L, get(prefix + "counter"));
        assertEquals(15L, get(prefix + "other"));
        Set<Long> evens = new TreeSet<>();
        for (int i = 0; i < answers.size(); i += 2) {
            evens.add(answers.get(i));
        }
        assertEquals(15, evens.size(), "each call to the same counter saw its own increment: " + evens);
    }
}
