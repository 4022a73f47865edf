package io.llmgateway.auth.service;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Releases routing's pending reservations ({@code RedisKeys.accountPending} / {@code keyPending}) once
 * their debits committed: one DECRBY per counter with the batch's sum, all pipelined on one connection.
 */
@ApplicationScoped
public class PendingCounters {

    private static final Logger LOG = Logger.getLogger(PendingCounters.class);

    private final Redis redis;

    public PendingCounters(ReactiveRedisDataSource redis) {
        this.redis = redis.getRedis();
    }

    /** Lowers each counter by its micro-dollars. Never fails: the debits are durable already. */
    public Uni<Void> release(Map<String, Long> microsByCounter) {
        if (microsByCounter.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Redis Cluster runs a batch only when all its keys are in one slot: one batch per hash tag (account)
        Map<String, List<Request>> byTag = new HashMap<>();
        microsByCounter.forEach((counter, micros) -> byTag.computeIfAbsent(hashTag(counter), t -> new ArrayList<>())
                .add(Request.cmd(Command.DECRBY).arg(counter).arg(micros)));
        List<Uni<Void>> sends = new ArrayList<>(byTag.size());
        for (List<Request> commands : byTag.values()) {
            sends.add(redis.batch(commands).replaceWithVoid()
                    // the cluster client does not follow a MOVED reply (a failover) inside a batch; the slot's old
                    // master refused every command of it, so each is sent again on its own, which does follow it
                    .onFailure(PendingCounters::moved).recoverWithUni(moved -> Uni.join()
                            .all(commands.stream().map(c -> redis.send(c).replaceWithVoid()).toList())
                            .andCollectFailures().replaceWithVoid())
                    .onFailure().recoverWithUni(failure -> {
                        // a stale reservation only makes routing stricter for that account until it settles again
                        LOG.warnf("%d pending counters not released: %s", commands.size(), failure.getMessage());
                        return Uni.createFrom().voidItem();
                    }));
        }
        return sends.size() == 1 ? sends.get(0) : Uni.join().all(sends).andCollectFailures().replaceWithVoid();
    }

    /** A Redis Cluster redirection: the node no longer (or not yet) holds the slot, and ran nothing. */
    public static boolean moved(Throwable failure) {
        String m = failure.getMessage();
        return m != null && (m.contains("MOVED") || m.contains("ASK "));
    }

    /** The part of a key Redis Cluster hashes: between the first '{' and the next '}', else the whole key. */
    static String hashTag(String key) {
        int open = key.indexOf('{');
        int close = open < 0 ? -1 : key.indexOf('}', open + 1);
        return close > open + 1 ? key.substring(open + 1, close) : key;
    }
}
