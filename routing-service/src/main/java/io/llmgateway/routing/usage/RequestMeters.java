package io.llmgateway.routing.usage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus meters of finished requests. Meters are resolved once per (model, provider) and
 * kept: the hot path never looks a tagged meter up in the registry. Cardinality is bounded by the catalog (models times the providers that served them).
 */
@Singleton
public class RequestMeters {

    private record Key(String model, String provider) {
    }

    private final class Meters {
        final Key key;
        final Timer duration;
        final Timer ttft;
        final Counter prompt;
        final Counter completion;
        final Counter cost;
        final Map<String, Counter> byStatus = new ConcurrentHashMap<>();

        Meters(Key key) {
            this.key = key;
            duration = registry.timer("gateway.request.duration", "model", key.model(), "provider", key.provider());
            ttft = registry.timer("gateway.ttft", "model", key.model(), "provider", key.provider());
            prompt = registry.counter("gateway.tokens", "model", key.model(), "provider", key.provider(), "type", "prompt");
            completion = registry.counter("gateway.tokens", "model", key.model(), "provider", key.provider(), "type",
                    "completion");
            cost = registry.counter("gateway.cost.usd", "model", key.model(), "provider", key.provider());
        }

        Counter requests(String status) {
            return byStatus.computeIfAbsent(status, s -> registry.counter("gateway.requests", "model", key.model(),
                    "provider", key.provider(), "status", s));
        }
    }

    private final MeterRegistry registry;
    private final Map<Key, Meters> meters = new ConcurrentHashMap<>();
    private final Timer overhead;
    private final Counter optimisticStarted;
    private final Counter optimisticDenied;
    private final Counter leased;
    private final Counter leases;

    public RequestMeters(MeterRegistry registry) {
        this.registry = registry;
        this.overhead = registry.timer("gateway.overhead");
        this.optimisticStarted = registry.counter("gateway.admission.optimistic", "outcome", "started");
        this.optimisticDenied = registry.counter("gateway.admission.optimistic", "outcome", "denied");
        this.leased = registry.counter("gateway.admission.leased");
        this.leases = registry.counter("gateway.admission.leases");
    }

    /** A request whose upstream call started before its admission answered. */
    public void optimisticStarted() {
        optimisticStarted.increment();
    }

    /** ...and whose admission then refused it: its upstream call was cut, nothing was billed. */
    public void optimisticDenied() {
        optimisticDenied.increment();
    }

    /** A request admitted from a lease, without Redis. */
    public void leased() {
        leased.increment();
    }

    /** A lease granted by the admission script. */
    public void leaseGranted() {
        leases.increment();
    }

    /** One finished request; {@code ttftMillis} is null when no token was streamed. */
    public void finished(String model, String provider, String status, long promptTokens, long completionTokens,
            BigDecimal cost, long durationNanos, Long ttftMillis, long overheadNanos) {
        Meters m = meters.computeIfAbsent(new Key(model, provider), Meters::new);
        m.requests(status).increment();
        m.duration.record(durationNanos, TimeUnit.NANOSECONDS);
        m.prompt.increment(promptTokens);
        m.completion.increment(completionTokens);
        // dashboards only: the exact figure lives in the usage event and the ledger
        m.cost.increment(cost.doubleValue());
        if (ttftMillis != null) {
            m.ttft.record(ttftMillis, TimeUnit.MILLISECONDS);
        }
        overhead.record(Math.max(0, overheadNanos), TimeUnit.NANOSECONDS);
    }
}
