package io.llmgateway.auth.service;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
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
        List<Request> commands = new ArrayList<>(microsByCounter.size());
        microsByCounter.forEach((counter, micros) -> commands.add(Request.cmd(Command.DECRBY).arg(counter).arg(micros)));
        return redis.batch(commands).replaceWithVoid().onFailure().recoverWithUni(failure -> {
            // a stale reservation only makes routing stricter for that account until it settles again
            LOG.warnf("%d pending counters not released: %s", commands.size(), failure.getMessage());
            return Uni.createFrom().voidItem();
        });
    }
}
