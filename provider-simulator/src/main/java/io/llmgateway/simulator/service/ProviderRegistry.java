package io.llmgateway.simulator.service;

import io.llmgateway.simulator.config.SimulatorConfig;
import io.llmgateway.simulator.model.Fault;
import io.llmgateway.simulator.model.ProviderSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;

/** All simulated providers by slug; a provider comes to life with default settings on its first call. */
@ApplicationScoped
public class ProviderRegistry {

    private final ConcurrentHashMap<String, ProviderState> providers = new ConcurrentHashMap<>();
    private final SimulatorConfig.Simulator config;

    public ProviderRegistry(SimulatorConfig config) {
        this.config = config.simulator();
    }

    public ProviderState get(String provider) {
        ProviderState state = providers.get(provider);
        return state != null ? state : providers.computeIfAbsent(provider,
                p -> new ProviderState(config.statsHistory(), config.recordedRequests(), config.cachePrefixes()));
    }

    public void configure(String provider, ProviderSettings settings, Fault fault) {
        get(provider).configure(settings, fault, System.currentTimeMillis());
    }

    public void reset(String provider) {
        providers.remove(provider);
    }

    public void resetAll() {
        providers.clear();
    }
}
