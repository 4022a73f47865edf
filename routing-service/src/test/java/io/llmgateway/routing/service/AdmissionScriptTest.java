package io.llmgateway.routing.service;

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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admission script on real Redis, with a burst of one key's requests in one event-loop turn (the
 * first goes alone, the rest share a script run): each request is admitted or refused against what
 * the ones before it took, exactly at the limits, and the counters end up raised by what was admitted.
 */
class AdmissionScriptTest {

    final Vertx vertx = Vertx.vertx();
    final Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(InfraLocator.redis().url()));
    final String tag = "test:{" + UUID.randomUUID() + "}:";
    final String[] keys = { tag + "rpm", tag + "tpm", tag + "day", tag + "acct-pending", tag + "key-pending" };

    @AfterEach
    void close() throws Exception {
        Request del = Request.cmd(Command.DEL);
        for (String k : keys) {
            del.arg(k);
        }
        redis.send(del).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        redis.close();
        vertx.close();
    }

    /** {@code n} admissions of 10 tokens and 100 micro-dollars each, in one turn; their replies. */
    private List<Response> burst(int n, long rpm, long tpm, long balance, long keyRemaining) throws Exception {
        RedisScript script = new RedisScript(Admission.SCRIPT);
        Object[] shared = { rpm, tpm, 0, 30, 1000, balance, keyRemaining < 0 ? "0" : "1", Math.max(0, keyRemaining), 3600 };
        CompletableFuture<List<Response>> done = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(script.run(redis, keys, shared, new Object[] { 10, 100 }));
            }
            Future.all(answers).onComplete(ar -> {
                if (ar.failed()) {
                    done.completeExceptionally(ar.cause());
                } else {
                    done.complete(answers.stream().map(Future::result).toList());
                }
            });
        });
        return done.get(10, TimeUnit.SECONDS);
    }

    private long get(String key) throws Exception {
        Response r = redis.send(Request.cmd(Command.GET).arg(key)).toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        return r == null ? 0 : r.toLong();
    }

    private long ttl(String key) throws Exception {
        return redis.send(Request.cmd(Command.TTL).arg(key)).toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS).toLong();
    }

    @Test
    void theRequestsPerMinuteLimitRefusesExactlyTheRequestsBeyondIt() throws Exception {
        List<Response> replies = burst(8, 5, 1000, 1_000_000, -1);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, replies.get(i).get(0).toInteger(), "request " + i + " admitted");
            assertEquals(5 - i - 1, replies.get(i).get(2).toInteger(), "remaining after request " + i);
            assertEquals(100L * (i + 1), replies.get(i).get(4).toLong(), "account pending after request " + i);
            assertEquals(10L * (i + 1), replies.get(i).get(6).toLong(), "tokens used after request " + i);
        }
        for (int i = 5; i < 8; i++) {
            assertEquals(1, replies.get(i).get(0).toInteger(), "request " + i + " refused: requests per minute");
        }
        assertEquals(5, get(keys[0]));
        assertEquals(50, get(keys[1]));
        assertEquals(500, get(keys[3]));
        assertEquals(0, get(keys[4]), "no key limit: its pending counter is not touched");
        assertTrue(ttl(keys[0]) > 0 && ttl(keys[1]) > 0 && ttl(keys[3]) > 30, "every counter it created expires");
    }

    @Test
    void creditsAndTheKeyLimitAreReservedUpToWhatTheyCover() throws Exception {
        // the key's limit covers two reservations of 100, the account's balance three
        List<Response> replies = burst(6, 100, 0, 300, 250);
        assertEquals(List.of(0, 0, 5, 5, 5, 5), replies.stream().map(r -> r.get(0).toInteger()).toList());
        assertEquals(200, get(keys[3]));
        assertEquals(200, get(keys[4]));
        assertEquals(200L, replies.get(1).get(5).toLong(), "key pending after the second request");
        // a second burst: the account now covers one more reservation, the key none
        List<Response> again = burst(2, 100, 0, 300, 1000);
        assertEquals(List.of(0, 4), again.stream().map(r -> r.get(0).toInteger()).toList());
        assertEquals(300, get(keys[3]));
        assertEquals(0, get(keys[1]), "no tokens-per-minute limit: no counter");
    }
}
