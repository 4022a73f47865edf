package io.llmgateway.simulator.service;

import io.llmgateway.simulator.model.ProviderSettings;
import io.llmgateway.simulator.model.ProviderStats;
import jakarta.enterprise.context.ApplicationScoped;

/** The /sim control API: per-provider settings and stats. */
@ApplicationScoped
public class SimulationService {

    private final ProviderRegistry registry;
    private final SettingsParser parser;

    public SimulationService(ProviderRegistry registry, SettingsParser parser) {
        this.registry = registry;
        this.parser = parser;
    }

    public ProviderSettings configure(String provider, String body) {
        ProviderSettings settings = parser.parse(body);
        registry.configure(provider, settings, FaultParser.parse(settings.fault().type()));
        return settings;
    }

    public ProviderSettings settings(String provider) {
        return registry.get(provider).settings();
    }

    public ProviderStats stats(String provider) {
        return registry.get(provider).stats();
    }

    public void clearRequests(String provider) {
        registry.get(provider).clearRequests();
    }

    public void reset(String provider) {
        registry.reset(provider);
    }

    public void resetAll() {
        registry.resetAll();
    }
}
