package io.llmgateway.contracts.internal;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.llmgateway.contracts.WireRecord;

/**
 * Observed health of one endpoint, computed by metering from real traffic and served at
 * {@code GET /internal/endpoint-health}; catalog shows it in the public endpoints API and the
 * routing snapshot. Uptime is success / (success + errors) in percent, 429s excluded; null when
 * there was no traffic in the window.
 */
@WireRecord
public record EndpointHealth(
        String endpointId,
        Double uptime5m,
        Double uptime30m,
        Double uptime1d,
        Percentiles latencyMs,
        Percentiles throughputTps,
        long requests30m) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Percentiles(Double p50, Double p75, Double p90, Double p99) {
    }
}
