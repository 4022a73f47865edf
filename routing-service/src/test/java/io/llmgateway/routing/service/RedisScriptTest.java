package io.llmgateway.routing.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** Script calls made in one event-loop turn go out together and each gets its own answer (real Redis). */
class RedisScriptTest {

    final Vertx vertx = Vertx.vertx();
    // as configured in production (quarkus.redis.max-pool-waiting): a burst may wait for connections
    final Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(InfraLocator.redis().url())
            .setMaxPoolSize(8).setMaxPoolWaiting(4096));
    final String prefix = "test:" + UUID.randomUUID() + ":";

    @AfterEach
    void close() throws Exception {
        redis.send(Request.cmd(Command.DEL).arg(prefix + "counter")).toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        redis.close();
        vertx.close();
    }

    /** Runs {@code calls} script calls in one turn of an event loop and returns their answers. */
    private List<Long> burst(RedisScript script, int calls) throws Exception {
        CompletableFuture<List<Long>> done = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                answers.add(script.run(redis, new String[] { prefix + "counter" }, new Object[] { 1 }));
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

    @Test
    void everyCallOfABurstGetsItsOwnAnswerEvenWhenRedisHasNotSeenTheScript() throws Exception {
        // a body Redis has never seen: the first calls meet NOSCRIPT and must be resent with EVAL, once each
        RedisScript script = new RedisScript("-- " + UUID.randomUUID() + "\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])");
        List<Long> first = burst(script, 40);
        List<Long> second = burst(script, 40);
        Set<Long> all = new TreeSet<>(first);
        all.addAll(second);
        assertEquals(80, all.size(), "each call ran exactly once: " + all);
        assertEquals(1L, all.iterator().next());
        assertEquals(80L, ((TreeSet<Long>) all).last());
        Response counter = redis.send(Request.cmd(Command.GET).arg(prefix + "counter")).toCompletionStage()
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(80L, counter.toLong());
    }
}
