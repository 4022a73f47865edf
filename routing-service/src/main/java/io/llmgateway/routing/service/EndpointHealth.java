package io.llmgateway.routing.service;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.routing.config.GatewayConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.util.TypeLiteral;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-endpoint fault tolerance and health. Each endpoint gets its own SmallRye guard (circuit
 * breaker + bulkhead), created lazily. Outcomes are also counted in Redis in 10 s buckets so every
 * replica sees failures seen by the others; the shared view is reread every second.
 */
@ApplicationScoped
public class EndpointHealth {

    /** Marks failures that must not count against the endpoint (the client's own mistakes). */
    public static class ClientFault extends RuntimeException {
        public ClientFault(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private static final TypeLiteral<CompletionStage<Object>> TYPE = new TypeLiteral<>() {
    };
    private static final int BUCKET_SECONDS = 10;
    private static final int WINDOW_BUCKETS = 3; // 30 s

    private final Map<String, TypedGuard<CompletionStage<Object>>> guards = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreakerState> states = new ConcurrentHashMap<>();
    private final Redis redis;
    private final Vertx vertx;
    private final RedisKeys keys;
    private final GatewayConfig config;
    private final CatalogCache catalog;
    private volatile Set<String> unhealthy = Set.of();
    private long timer = -1;

    private final io.micrometer.core.instrument.MeterRegistry metrics;

    public EndpointHealth(Redis redis, Vertx vertx, RedisKeys keys, GatewayConfig config, CatalogCache catalog,
            io.micrometer.core.instrument.MeterRegistry metrics) {
        this.metrics = metrics;
        this.redis = redis;
        this.vertx = vertx;
        this.keys = keys;
        this.config = config;
        this.catalog = catalog;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.health().pollInterval().toMillis(), id -> poll());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    @SuppressWarnings("unchecked")
    public <T> CompletionStage<T> guarded(String endpointId, java.util.function.Supplier<CompletionStage<T>> call) {
        TypedGuard<CompletionStage<Object>> guard = guards.computeIfAbsent(endpointId, this::guard);
        return (CompletionStage<T>) guard.get(() -> (CompletionStage<Object>) call.get());
    }

    private TypedGuard<CompletionStage<Object>> guard(String endpointId) {
        GatewayConfig.Upstream u = config.upstream();
        GatewayConfig.CircuitBreaker cb = u.circuitBreaker();
        states.put(endpointId, CircuitBreakerState.CLOSED);
        if (metrics != null) {
            // 0 closed, 1 open, 2 half-open
            metrics.gauge("gateway.circuit.state", java.util.List.of(io.micrometer.core.instrument.Tag.of("endpoint", endpointId)),
                    states, m -> m.getOrDefault(endpointId, CircuitBreakerState.CLOSED).ordinal());
        }
        return TypedGuard.create(TYPE)
                .withDescription("endpoint " + endpointId)
                .withCircuitBreaker()
                .requestVolumeThreshold(cb.requestVolume())
                .failureRatio(cb.failureRatio())
                .delay(cb.delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(cb.successThreshold())
                .skipOn(ClientFault.class)
                .onStateChange(state -> states.put(endpointId, state))
                .done()
                .withBulkhead().limit(u.bulkhead()).queueSize(u.bulkheadQueue()).done()
                .withThreadOffload(false)
                .build();
    }

    public CircuitBreakerState state(String endpointId) {
        return states.getOrDefault(endpointId, CircuitBreakerState.CLOSED);
    }

    public Map<String, CircuitBreakerState> states() {
        return states;
    }

    /** Closed circuit and no significant failures in the last 30 s (seen by any replica). */
    public boolean healthy(String endpointId) {
        return state(endpointId) == CircuitBreakerState.CLOSED && !unhealthy.contains(endpointId);
    }

    /** Counts an attempt's outcome in the shared 10 s bucket (fire and forget). */
    public void record(String endpointId, boolean success) {
        List<Request> commands = new ArrayList<>(2);
        recordCommands(endpointId, success, commands);
        redis.batch(commands);
    }

    /** The same as commands, to be sent in one pipelined batch with the request's other bookkeeping. */
    public void recordCommands(String endpointId, boolean success, List<Request> into) {
        long bucket = System.currentTimeMillis() / 1000 / BUCKET_SECONDS;
        String key = keys.prefix() + "gw:eh:" + endpointId + ":" + bucket + (success ? ":ok" : ":fail");
        into.add(Request.cmd(Command.INCR).arg(key));
        into.add(Request.cmd(Command.EXPIRE).arg(key).arg(BUCKET_SECONDS * (WINDOW_BUCKETS + 1)));
    }

    /** Tests: forget breakers (a fresh guard per endpoint). */
    public void reset() {
        guards.clear();
        states.clear();
        unhealthy = Set.of();
    }

    private void poll() {
        CatalogCache.Index index = catalog.index();
        if (index == null) {
            return;
        }
        List<String> ids = new ArrayList<>();
        index.models().values().forEach(m -> {
            if (m.endpoints() != null) {
                m.endpoints().forEach(e -> ids.add(e.id()));
            }
        });
        if (ids.isEmpty()) {
            return;
        }
        long bucket = System.currentTimeMillis() / 1000 / BUCKET_SECONDS;
        Request mget = Request.cmd(Command.MGET);
        for (String id : ids) {
            for (int b = 0; b < WINDOW_BUCKETS; b++) {
                mget.arg(keys.prefix() + "gw:eh:" + id + ":" + (bucket - b) + ":ok");
                mget.arg(keys.prefix() + "gw:eh:" + id + ":" + (bucket - b) + ":fail");
            }
        }
        redis.send(mget).onSuccess(resp -> {
            Set<String> bad = new java.util.HashSet<>();
            int i = 0;
            for (String id : ids) {
                long ok = 0;
                long fail = 0;
                for (int b = 0; b < WINDOW_BUCKETS; b++) {
                    ok += num(resp.get(i++));
                    fail += num(resp.get(i++));
                }
                if (fail >= config.health().minFailures()
                        && fail >= config.health().failureRatio() * (ok + fail)) {
                    bad.add(id);
                }
            }
            unhealthy = Set.copyOf(bad);
        });
    }

    private static long num(Response r) {
        return r == null ? 0 : r.toLong();
    }
}
