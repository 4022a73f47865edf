package io.llmgateway.routing.upstream;

import io.llmgateway.routing.config.RoutingConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.inject.Singleton;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-endpoint fault tolerance and health. Each endpoint gets its own SmallRye guard (circuit
 * breaker + bulkhead), created lazily. Outcomes are also shared with the other replicas through
 * {@link SharedEndpointHealth}, synchronised every poll interval (1 s by default).
 */
@Singleton
public class EndpointGuards {

    /**
     * Marks failures that must not count against the endpoint: the client's own mistakes (a 4xx it
     * caused), a client that went away mid-attempt (wrk closing its connections at the end of a run
     * opened the breaker of a healthy endpoint), and local resource exhaustion such as running out of
     * file descriptors, which says nothing about the provider.
     */
    public static class NotTheEndpointsFault extends RuntimeException {
        public NotTheEndpointsFault(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private static final TypeLiteral<CompletionStage<Object>> TYPE = new TypeLiteral<>() {
    };
    private final Map<String, TypedGuard<CompletionStage<Object>>> guards = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreakerState> states = new ConcurrentHashMap<>();
    private final SharedEndpointHealth shared;
    private final Vertx vertx;
    private final RoutingConfig config;
    private volatile Set<String> unhealthy = Set.of();
    private long timer = -1;

    private final io.micrometer.core.instrument.MeterRegistry metrics;

    public EndpointGuards(SharedEndpointHealth shared, Vertx vertx, RoutingConfig config,
            io.micrometer.core.instrument.MeterRegistry metrics) {
        this.metrics = metrics;
        this.shared = shared;
        this.vertx = vertx;
        this.config = config;
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
        RoutingConfig.Upstream u = config.upstream();
        RoutingConfig.CircuitBreaker cb = u.circuitBreaker();
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
                .skipOn(NotTheEndpointsFault.class)
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

    /** Counts an attempt's outcome toward the health every replica sees. */
    public void record(String endpointId, boolean success) {
        shared.record(endpointId, success);
    }

    /** Tests: forget breakers (a fresh guard per endpoint). */
    public void reset() {
        guards.clear();
        states.clear();
        unhealthy = Set.of();
    }

    private void poll() {
        shared.sync().onSuccess(bad -> unhealthy = bad);
    }
}
