package io.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.routing.admission.Admission;
import io.llmgateway.routing.admission.PendingSettlements;
import io.llmgateway.routing.upstream.SharedEndpointHealth;
import io.llmgateway.testsupport.InfraLocator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Endpoint health shared between two replicas and summed reservation corrections, against the real
 * Redis under a private key prefix.
 */
class SharedHealthAndSettlementsTest {

    final Vertx vertx = Vertx.vertx();
    final Redis redis = Redis.createClient(vertx, InfraLocator.redis().url());
    final RedisKeys keys = new RedisKeys("test:" + UUID.randomUUID() + ":");

    @AfterEach
    void close() {
        redis.close();
        vertx.close();
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void failuresSeenByOneReplicaMarkTheEndpointUnhealthyForAnother() throws Exception {
        SharedEndpointHealth replicaA = new SharedEndpointHealth(redis, keys, 3, 0.3);
        SharedEndpointHealth replicaB = new SharedEndpointHealth(redis, keys, 3, 0.3);
        for (int i = 0; i < 4; i++) {
            replicaA.record("flaky:model", false);
        }
        replicaA.record("flaky:model", true);
        for (int i = 0; i < 10; i++) {
            replicaA.record("fine:model", true);
        }
        replicaA.record("fine:model", false); // one failure in eleven: below both thresholds
        assertEquals(Set.of("flaky:model"), await(replicaA.sync()));
        assertEquals(Set.of("flaky:model"), await(replicaB.sync()), "replica B sees A's outcomes");
        // successes reported by B outweigh the failures (4 of 14 < 0.3)
        for (int i = 0; i < 9; i++) {
            replicaB.record("flaky:model", true);
        }
        assertEquals(Set.of(), await(replicaB.sync()));
    }

    @Test
    void outcomesAreNotLostWhenRedisIsUnreachable() throws Exception {
        Redis down = Redis.createClient(vertx, "redis://127.0.0.1:1");
        SharedEndpointHealth offline = new SharedEndpointHealth(down, keys, 3, 0.3);
        for (int i = 0; i < 3; i++) {
            offline.record("flaky:model", false);
        }
        assertTrue(offline.sync().toCompletionStage().toCompletableFuture().handle((r, e) -> e != null)
                .get(5, TimeUnit.SECONDS), "the sync failed");
        down.close();
        assertEquals(3, offline.unsent("flaky:model")[1], "the failures wait for the next sync");
    }

    @Test
    void correctionsAreSummedPerCounterAndAppliedInOneFlush() throws Exception {
        PendingSettlements settlements = new PendingSettlements(redis, vertx, 60_000, 600);
        String account = keys.accountPending("acct-1");
        String key = keys.keyPending("acct-1", "hash-1");
        await(redis.send(Request.cmd(Command.SET).arg(account).arg(3_000)));
        await(redis.send(Request.cmd(Command.SET).arg(key).arg(3_000)));
        Admission.Ticket withKeyLimit = new Admission.Ticket(account, key, 1_000, 600, 599, 60);
        Admission.Ticket accountOnly = new Admission.Ticket(account, account, 1_000, 600, 598, 60);
        settlements.settle(withKeyLimit, 250); // cost less than reserved: -750 on both counters
        settlements.settle(withKeyLimit, 1_000); // exactly as reserved: nothing to correct
        settlements.settle(accountOnly, 0); // failed request: the whole reservation goes back
        assertEquals(3_000, get(account), "nothing is sent before the flush");
        await(settlements.flush());
        assertEquals(3_000 - 750 - 1_000, get(account));
        assertEquals(3_000 - 750, get(key));
        Response ttl = await(redis.send(Request.cmd(Command.TTL).arg(account)));
        assertTrue(ttl.toLong() > 0 && ttl.toLong() <= 600, "the counter keeps a TTL: " + ttl);
        await(settlements.flush());
        assertEquals(3_000 - 750 - 1_000, get(account), "a second flush sends nothing twice");
    }

    @Test
    void aFailedFlushKeepsItsCorrectionsForTheNextOne() throws Exception {
        Redis down = Redis.createClient(vertx, "redis://127.0.0.1:1");
        PendingSettlements offline = new PendingSettlements(down, vertx, 60_000, 600);
        String account = keys.accountPending("acct-2");
        offline.settle(new Admission.Ticket(account, account, 500, 600, 599, 60), 0);
        assertTrue(offline.flush().toCompletionStage().toCompletableFuture().handle((r, e) -> e != null)
                .get(5, TimeUnit.SECONDS), "the flush failed");
        down.close();
        assertEquals(-500, offline.unsent(account), "the correction waits for the next flush");
    }

    private long get(String counter) throws Exception {
        Response r = await(redis.send(Request.cmd(Command.GET).arg(counter)));
        return r == null ? 0 : r.toLong();
    }
}
