package io.llmgateway.catalog.model;

import java.util.List;

/**
 * One provider endpoint of a model (OpenRouter schema {@code PublicEndpoint}), plus our stable
 * endpoint {@code id}. Health fields come from metering and are null until it has seen traffic.
 */
public record EndpointView(
        String id,
        String name,
        String modelId,
        String modelName,
        Integer contextLength,
        PublicPricing pricing,
        String providerName,
        String tag,
        String quantization,
        Integer maxCompletionTokens,
        Integer maxPromptTokens,
        List<String> supportedParameters,
        int status,
        Double uptimeLast30m,
        Double uptimeLast5m,
        Double uptimeLast1d,
        boolean supportsImplicitCaching,
        Percentiles latencyLast30m,
        Percentiles throughputLast30m) {
}
