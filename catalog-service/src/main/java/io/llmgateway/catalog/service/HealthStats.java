package io.llmgateway.catalog.service;

import io.llmgateway.contracts.internal.EndpointHealth;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Latest endpoint health from metering, in memory only: it changes every 30 s and is not catalog
 * data, so it neither bumps the catalog version nor emits catalog events.
 */
@ApplicationScoped
public class HealthStats {

    private volatile Map<String, EndpointHealth> byEndpoint = Map.of();
    private final AtomicLong generation = new AtomicLong();

    public void replace(List<EndpointHealth> stats) {
        Map<String, EndpointHealth> fresh = new HashMap<>();
        for (EndpointHealth h : stats) {
            if (h != null && h.endpointId() != null) {
                fresh.put(h.endpointId(), h);
            }
        }
        byEndpoint = Map.copyOf(fresh);
        generation.incrementAndGet();
    }

    public EndpointHealth of(String endpointId) {
        return byEndpoint.get(endpointId);
    }

    public Map<String, EndpointHealth> all() {
        return byEndpoint;
    }

    /** Increases with every update, so renderings that include health know when to refresh. */
    public long generation() {
        return generation.get();
    }
}
