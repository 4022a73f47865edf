package io.llmgateway.routing.upstream;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.routing.config.RoutingConfig;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Endpoint outcomes shared between replicas. Attempts are counted in memory and, once per poll,
 * added to one Redis hash per 10 s bucket and outcome ({@code gw:{eh}:<bucket>:ok|fail}, field = endpoint
 * id); the last 30 s are read back in the same pipelined batch. That is one round trip per replica
 * per second instead of two commands per request, and the read only touches endpoints that had
 * traffic rather than every endpoint of the catalog.
 */
@Singleton
public class SharedEndpointHealth {

    static final int BUCKET_SECONDS = 10;
    static final int WINDOW_BUCKETS = 3; // 30 s

    private final Map<String, AtomicLong[]> local = new ConcurrentHashMap<>();
    private final Redis redis;
    private final RedisKeys keys;
    private final int minFailures;
    private final double failureRatio;

    @Inject
    public SharedEndpointHealth(Redis redis, RedisKeys keys, RoutingConfig config) {
        this(redis, keys, config.health().minFailures(), config.health().failureRatio());
    }

    public SharedEndpointHealth(Redis redis, RedisKeys keys, int minFailures, double failureRatio) {
        this.redis = redis;
        this.keys = keys;
        this.minFailures = minFailures;
        this.failureRatio = failureRatio;
    }

    /** Counts one attempt's outcome; it reaches the other replicas with the next {@link #sync()}. */
    public void record(String endpointId, boolean success) {
        local.computeIfAbsent(endpointId, id -> new AtomicLong[] { new AtomicLong(), new AtomicLong() })[success ? 0 : 1]
                .incrementAndGet();
    }

    /** Outcomes counted here and not yet added to Redis: {successes, failures}. */
    public long[] unsent(String endpointId) {
        AtomicLong[] counts = local.get(endpointId);
        return counts == null ? new long[2] : new long[] { counts[0].get(), counts[1].get() };
    }

    /** Adds the local counts to the shared buckets and answers the endpoints unhealthy over the window. */
    public Future<Set<String>> sync() {
        return sync(System.currentTimeMillis());
    }

    Future<Set<String>> sync(long nowMillis) {
        long bucket = nowMillis / 1000 / BUCKET_SECONDS;
        Map<String, long[]> drained = drain();
        List<Request> batch = new ArrayList<>();
        addIncrements(batch, key(bucket, "ok"), drained, 0);
        addIncrements(batch, key(bucket, "fail"), drained, 1);
        int reads = batch.size();
        for (int b = 0; b < WINDOW_BUCKETS; b++) {
            batch.add(Request.cmd(Command.HGETALL).arg(key(bucket - b, "ok")));
            batch.add(Request.cmd(Command.HGETALL).arg(key(bucket - b, "fail")));
        }
        return redis.batch(batch).<Set<String>>map(responses -> unhealthy(responses.subList(reads, responses.size())))
                .onFailure(e -> restore(drained)); // counted again with the next sync
    }

    private Map<String, long[]> drain() {
        Map<String, long[]> drained = new HashMap<>();
        local.forEach((id, counts) -> {
            long ok = counts[0].getAndSet(0);
            long fail = counts[1].getAndSet(0);
            if (ok > 0 || fail > 0) {
                drained.put(id, new long[] { ok, fail });
            }
        });
        return drained;
    }

    private void restore(Map<String, long[]> drained) {
        drained.forEach((id, counts) -> {
            AtomicLong[] into = local.computeIfAbsent(id, k -> new AtomicLong[] { new AtomicLong(), new AtomicLong() });
            into[0].addAndGet(counts[0]);
            into[1].addAndGet(counts[1]);
        });
    }

    private static void addIncrements(List<Request> batch, String hash, Map<String, long[]> drained, int index) {
        boolean any = false;
        for (Map.Entry<String, long[]> e : drained.entrySet()) {
            if (e.getValue()[index] > 0) {
                batch.add(Request.cmd(Command.HINCRBY).arg(hash).arg(e.getKey()).arg(e.getValue()[index]));
                any = true;
            }
        }
        if (any) {
            batch.add(Request.cmd(Command.EXPIRE).arg(hash).arg(BUCKET_SECONDS * (WINDOW_BUCKETS + 1)));
        }
    }

    /** Responses alternate ok, fail per bucket, newest bucket first. */
    private Set<String> unhealthy(List<Response> buckets) {
        Map<String, long[]> totals = new HashMap<>();
        for (int i = 0; i < buckets.size(); i++) {
            Response hash = buckets.get(i);
            if (hash == null) {
                continue;
            }
            int outcome = i % 2;
            for (String id : hash.getKeys()) {
                totals.computeIfAbsent(id, k -> new long[2])[outcome] += hash.get(id).toLong();
            }
        }
        Set<String> bad = new HashSet<>();
        totals.forEach((id, t) -> {
            if (t[1] >= minFailures && t[1] >= failureRatio * (t[0] + t[1])) {
                bad.add(id);
            }
        });
        return Set.copyOf(bad);
    }

    private String key(long bucket, String outcome) {
        // one hash tag for every bucket: sync() reads and writes them in one batch, which Redis Cluster
        // runs only when all its keys are in one slot
        return keys.prefix() + "gw:{eh}:" + bucket + ":" + outcome;
    }
}
