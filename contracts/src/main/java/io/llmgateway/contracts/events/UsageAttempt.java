package io.llmgateway.contracts.events;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** One upstream attempt of a generation: where it went and how it ended. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record UsageAttempt(
        String provider,
        String endpointId,
        String model,
        int status,
        String outcome,
        long latencyMs,
        String error) {
}
