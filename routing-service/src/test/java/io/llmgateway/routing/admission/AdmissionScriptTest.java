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
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admission script on real Redis, with a burst of one key's requests in one event-loop turn (the
 * first goes alone, the rest share a script run; the two may reach Redis in either order): each
 * request is admitted or refused against what the ones before it took, exactly at the limits, and the
 * counters end up raised by what was admitted.
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
        return burst(n, new Object[] { 1, 10, 100, 0, 0 }, rpm, tpm, balance, keyRemaining);
    }

    /** {@code n} runs of {@code item} (requests, tokens, reservation, requests and tokens given back) in one turn. */
    private List<Response> burst(int n, Object[] item, long rpm, long tpm, long balance, long keyRemaining)
            throws Exception {
        RedisScript script = new RedisScript(Admission.SCRIPT);
        Object[] shared = { rpm, tpm, 0, 30, 1000, balance, keyRemaining < 0 ? "0" : "1", Math.max(0, keyRemaining), 3600 };
        CompletableFuture<List<Response>> done = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(script.run(redis, keys, shared, item));
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

    /** The codes of the replies, counted (the lone first call and the shared run may reach Redis in either order). */
    private static java.util.Map<Integer, Long> codes(List<Response> replies) {
        return replies.stream().collect(java.util.stream.Collectors.groupingBy(r -> r.get(0).toInteger(),
                java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    }

    private static java.util.Set<Long> field(List<Response> replies, int code, int index) {
        return replies.stream().filter(r -> r.get(0).toInteger() == code).map(r -> r.get(index).toLong())
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    @Test
    void theRequestsPerMinuteLimitRefusesExactlyTheRequestsBeyondIt() throws Exception {
        List<Response> replies = burst(8, 5, 1000, 1_000_000, -1);
        assertEquals(java.util.Map.of(0, 5L, 1, 3L), codes(replies), "5 admitted, 3 refused: requests per minute");
        // each admitted request saw the ones admitted before it
        assertEquals(java.util.Set.of(0L, 1L, 2L, 3L, 4L), field(replies, 0, 2), "remaining after each");
        assertEquals(java.util.Set.of(100L, 200L, 300L, 400L, 500L), field(replies, 0, 4), "account pending after each");
        assertEquals(java.util.Set.of(10L, 20L, 30L, 40L, 50L), field(replies, 0, 6), "tokens used after each");
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
        assertEquals(java.util.Map.of(0, 2L, 5, 4L), codes(replies), "2 admitted, 4 refused: key limit");
        assertEquals(java.util.Set.of(100L, 200L), field(replies, 0, 5), "key pending after each");
        assertEquals(200, get(keys[3]));
        assertEquals(200, get(keys[4]));
        // a second burst: the account now covers one more reservation, the key none
        List<Response> again = burst(2, 100, 0, 300, 1000);
        assertEquals(java.util.Map.of(0, 1L, 4, 1L), codes(again), "1 admitted, 1 refused: credits");
        assertEquals(300, get(keys[3]));
        assertEquals(0, get(keys[1]), "no tokens-per-minute limit: no counter");
    }

    @Test
    void aLeaseTakesABlockWholeAndTheNextGivesBackWhatItLeftUnused() throws Exception {
        // a lease of 20 requests, 200 tokens and 2,000 micro-dollars, of a key with 100 requests and
        // 10,000 tokens a minute
        Response first = burst(1, new Object[] { 20, 200, 2000, 0, 0 }, 100, 10_000, 1_000_000, 5_000).get(0);
        assertEquals(0, first.get(0).toInteger());
        assertEquals(80, first.get(2).toLong(), "remaining, the whole lease counted");
        assertEquals(20, get(keys[0]));
        assertEquals(200, get(keys[1]));
        assertEquals(2000, get(keys[3]));
        assertEquals(2000, get(keys[4]));
        // the next lease of the minute gives back the 15 requests and 150 tokens the first did not use
        Response second = burst(1, new Object[] { 20, 200, 2000, 15, 150 }, 100, 10_000, 1_000_000, 5_000).get(0);
        assertEquals(0, second.get(0).toInteger());
        assertEquals(75, second.get(2).toLong());
        assertEquals(25, get(keys[0]));
        assertEquals(250, get(keys[1]));
        assertEquals(4000, get(keys[3]), "credit is returned by the settlements, not by the script");
        // a lease the key's limit cannot cover is refused whole; what it gives back still counts
        Response refused = burst(1, new Object[] { 81, 10, 100, 5, 50 }, 100, 10_000, 1_000_000, 5_000).get(0);
        assertEquals(1, refused.get(0).toInteger(), "refused: requests per minute");
        assertEquals(20, get(keys[0]));
        assertEquals(200, get(keys[1]));
        // the key limit (5,000) covers 1,000 more: a lease of 2,000 is refused, and nothing is reserved
        assertEquals(5, burst(1, new Object[] { 20, 200, 2000, 0, 0 }, 100, 10_000, 1_000_000, 5_000).get(0).get(0)
                .toInteger());
        assertEquals(4000, get(keys[4]));
    }

    @Test
    void aGiveBackNeverTakesACounterBelowZeroNorRecreatesOneThatExpired() throws Exception {
        burst(1, new Object[] { 3, 30, 300, 0, 0 }, 100, 10_000, 1_000_000, -1);
        // more given back than was counted (it cannot happen within a minute, but a counter must
        // never go below zero)
        Response r = burst(1, new Object[] { 1, 10, 100, 10, 100 }, 100, 10_000, 1_000_000, -1).get(0);
        assertEquals(0, r.get(0).toInteger());
        assertEquals(1, get(keys[0]));
        assertEquals(10, get(keys[1]));
        Request del = Request.cmd(Command.DEL).arg(keys[0]).arg(keys[1]);
        redis.send(del).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        // a refused item that gives back onto counters that no longer exist creates none
        burst(1, new Object[] { 1000, 10, 100, 5, 50 }, 100, 10_000, 1_000_000, -1);
        assertEquals(-2, ttl(keys[0]), "no counter created by a give-back");
        assertEquals(-2, ttl(keys[1]));
    }
}
