package io.llmgateway.auth.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.auth.config.AuthConfig;
import io.llmgateway.contracts.events.KeyEvent;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.platform.stream.EventAppender;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * XADDs key and account changes to the key-events stream, always after the change committed. A Redis
 * failure is logged, not thrown: the change is already durable and routing's cache TTL refetches it.
 */
@ApplicationScoped
public class KeyEventPublisher {

    private static final Logger LOG = Logger.getLogger(KeyEventPublisher.class);

    private final EventAppender appender;
    private final Redis redis;

    public KeyEventPublisher(ReactiveRedisDataSource redis, ObjectMapper mapper, RedisKeys keys, AuthConfig config) {
        this.appender = new EventAppender(redis, mapper, keys.keyEventsStream(), config.keyEvents().maxlen(), LOG);
        this.redis = redis.getRedis();
    }

    public Uni<Void> publish(List<KeyEvent> events) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (KeyEvent event : events) {
            chain = chain.chain(() -> publish(event));
        }
        return chain;
    }

    /** An event with the traceparent it should carry (the span it belongs to, not necessarily the current one). */
    public record Traced(KeyEvent event, String traceparent) {
    }

    /**
     * XADDs all events pipelined on one connection, in order. Events that cannot be serialized are skipped;
     * a Redis failure is logged like {@link #publish(KeyEvent)}'s.
     */
    public Uni<Void> publishAll(List<Traced> events) {
        List<Request> commands = new ArrayList<>(events.size());
        for (Traced traced : events) {
            String json = appender.json(traced.event(), () -> "key event " + traced.event().type());
            if (json != null) {
                commands.add(Request.cmd(Command.XADD).arg(appender.stream()).arg("MAXLEN").arg("~").arg(appender.maxlen())
                        .arg("*").arg(RedisKeys.DATA_FIELD).arg(json)
                        .arg(RedisKeys.TRACEPARENT_FIELD).arg(traced.traceparent() == null ? "" : traced.traceparent()));
            }
        }
        if (commands.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return redis.batch(commands).replaceWithVoid()
                // the cluster client does not follow a MOVED reply (a failover) inside a batch; the stream's old
                // master refused every XADD of it, so they are sent again one after the other, in order
                .onFailure(io.llmgateway.auth.service.PendingCounters::moved).recoverWithUni(moved -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Request command : commands) {
                        chain = chain.chain(() -> redis.send(command).replaceWithVoid());
                    }
                    return chain;
                })
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("%d key events not published: %s", commands.size(), failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    public Uni<Void> publish(KeyEvent event) {
        return appender.append(event, () -> "key event " + event.type() + " for account " + event.accountId());
    }
}
