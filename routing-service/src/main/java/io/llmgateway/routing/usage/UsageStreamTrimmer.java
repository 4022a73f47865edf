package io.llmgateway.routing.usage;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.routing.config.RoutingConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Trims from the usage stream the entries every consumer group has acknowledged. The stream's MAXLEN
 * is only a safety cap: trimming by length alone either keeps a million settled events (about 1.3 GB
 * of Redis memory) or, during a long consumer outage, drops events nobody has read yet. Here the
 * oldest entry still needed is the smallest of, per required group, its oldest pending entry or else
 * its last delivered one; everything older goes ({@code XTRIM MINID}). A required group that does
 * not exist yet (its service never started) stops all trimming. Every replica may run it: trimming
 * to the same or an older id is harmless. A partitioned stream is trimmed partition by partition, each by
 * its own groups' positions.
 */
@ApplicationScoped
public class UsageStreamTrimmer {

    private static final Logger LOG = Logger.getLogger(UsageStreamTrimmer.class);

    private final Redis redis;
    private final Vertx vertx;
    private final List<String> streams;
    private final List<String> groups;
    private final long intervalMillis;
    private long timer = -1;

    @Inject
    public UsageStreamTrimmer(Redis redis, Vertx vertx, RedisKeys keys, RoutingConfig config) {
        this(redis, vertx, keys.usageStreams(config.usage().partitions()), config.usage().consumerGroups(),
                config.usage().trimInterval().toMillis());
    }

    public UsageStreamTrimmer(Redis redis, Vertx vertx, String stream, List<String> groups, long intervalMillis) {
        this(redis, vertx, List.of(stream), groups, intervalMillis);
    }

    public UsageStreamTrimmer(Redis redis, Vertx vertx, List<String> streams, List<String> groups, long intervalMillis) {
        this.redis = redis;
        this.vertx = vertx;
        this.streams = List.copyOf(streams);
        this.groups = List.copyOf(groups);
        this.intervalMillis = intervalMillis;
    }

    void start(@Observes StartupEvent event) {
        if (intervalMillis > 0 && !groups.isEmpty()) {
            timer = vertx.setPeriodic(intervalMillis, id -> trim().onFailure(e -> LOG.debugf("usage stream not trimmed: %s",
                    e.getMessage())));
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Trims every partition once; answers how many entries were removed (none where a required group is missing). */
    public Future<Long> trim() {
        Future<Long> removed = Future.succeededFuture(0L);
        for (String stream : streams) {
            removed = removed.compose(sum -> trim(stream).map(n -> sum + n));
        }
        return removed;
    }

    private Future<Long> trim(String stream) {
        return redis.send(Request.cmd(Command.XINFO).arg("GROUPS").arg(stream)).compose(info -> {
            Map<String, String> lastDelivered = new HashMap<>();
            Map<String, Long> pending = new HashMap<>();
            for (int i = 0; i < info.size(); i++) {
                Response group = info.get(i);
                lastDelivered.put(group.get("name").toString(), group.get("last-delivered-id").toString());
                pending.put(group.get("name").toString(), group.get("pending").toLong());
            }
            if (!lastDelivered.keySet().containsAll(groups)) {
                return Future.succeededFuture(0L);
            }
            List<Request> summaries = new ArrayList<>();
            for (String g : groups) {
                summaries.add(Request.cmd(Command.XPENDING).arg(stream).arg(g));
            }
            return redis.batch(summaries).compose(replies -> {
                String keepFrom = null;
                for (int i = 0; i < groups.size(); i++) {
                    String g = groups.get(i);
                    Response summary = replies.get(i);
                    String needed = pending.get(g) > 0 && summary != null && summary.get(1) != null
                            ? summary.get(1).toString()
                            : lastDelivered.get(g);
                    keepFrom = keepFrom == null || compare(needed, keepFrom) < 0 ? needed : keepFrom;
                }
                if (keepFrom == null || "0-0".equals(keepFrom)) {
                    return Future.succeededFuture(0L);
                }
                return redis.send(Request.cmd(Command.XTRIM).arg(stream).arg("MINID").arg(keepFrom))
                        .map(Response::toLong);
            });
        }, e -> e.getMessage() != null && e.getMessage().contains("no such key")
                ? Future.succeededFuture(0L)
                : Future.failedFuture(e));
    }

    /** Orders stream ids {@code <ms>-<seq>} numerically. */
    static int compare(String a, String b) {
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        int byTime = Long.compare(Long.parseLong(a.substring(0, da)), Long.parseLong(b.substring(0, db)));
        return byTime != 0 ? byTime : Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
    }
}
