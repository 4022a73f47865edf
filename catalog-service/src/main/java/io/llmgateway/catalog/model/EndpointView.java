package io.llmgateway.catalog.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One provider endpoint of a model (OpenRouter schema {@code PublicEndpoint}), plus our stable
 * endpoint {@code id}. Health fields come from metering and are null until it has seen traffic.
 * {@code context_length} is required by the spec: the model's when the endpoint has none, else 0.
 */
public record EndpointView(
        String id,
        String name,
        String modelId,
        String modelName,
        int contextLength,
        PublicPricing pricing,
        String providerName,
        String tag,
        String quantization,
        Integer maxCompletionTokens,
        Integer maxPromptTokens,
        List<String> supportedParameters,
        int status,
        @JsonProperty("uptime_last_30m") Double uptimeLast30m,
        @JsonProperty("uptime_last_5m") Double uptimeLast5m,
        @JsonProperty("uptime_last_1d") Double uptimeLast1d,
        boolean supportsImplicitCaching,
        ToolChoiceSupport supportsToolChoice,
        @JsonProperty("latency_last_30m") Percentiles latencyLast30m,
        @JsonProperty("throughput_last_30m") Percentiles throughputLast30m) {
}
