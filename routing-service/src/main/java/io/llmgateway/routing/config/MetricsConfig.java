package io.llmgateway.routing.config;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Publishes histogram buckets for the gateway's latency timers, so dashboards and alerts can compute
 * percentiles across replicas (histogram_quantile over gateway_*_seconds_bucket).
 */
public class MetricsConfig {

    @Produces
    @Singleton
    MeterFilter gatewayHistograms() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getType() == Meter.Type.TIMER && id.getName().startsWith("gateway.")) {
                    return DistributionStatisticConfig.builder().percentilesHistogram(true)
                            .minimumExpectedValue(100_000.0).maximumExpectedValue(300_000_000_000.0)
                            .build().merge(config);
                }
                return config;
            }
        };
    }
}
