package io.llmgateway.routing.canonical;

import java.math.BigDecimal;
import java.util.List;

/**
 * The request's {@code provider} object (OpenRouter ProviderPreferences). Prices are USD per token
 * ({@code maxPromptPrice}, {@code maxCompletionPrice}), per request and per image.
 *
 * @param partition              {@code model} (default: each model's endpoints sorted apart, fallback models
 *                               stay fallbacks) or {@code none} (all models' endpoints sorted together)
 * @param zdr                    only providers the operator marked zero-data-retention
 * @param preferredMaxLatencyMs  soft: endpoints whose p50 time to first token is at most this come first
 * @param preferredMinThroughput soft: endpoints whose p50 output tokens/s is at least this come first
 */
public record ProviderPreferences(List<String> order, boolean allowFallbacks, List<String> only, List<String> ignore,
        String sort, boolean requireParameters, String dataCollection, List<String> quantizations,
        BigDecimal maxPromptPrice, BigDecimal maxCompletionPrice, BigDecimal maxRequestPrice, BigDecimal maxImagePrice,
        String partition, boolean zdr, Double preferredMaxLatencyMs, Double preferredMinThroughput) {

    public static final ProviderPreferences DEFAULT = new ProviderPreferences(null, true, null, null, null, false,
            null, null, null, null, null, null, null, false, null, null);

    /** The same preferences with {@code partition} set (the deprecated top-level {@code route} maps to it). */
    public ProviderPreferences withPartition(String value) {
        return new ProviderPreferences(order, allowFallbacks, only, ignore, sort, requireParameters, dataCollection,
                quantizations, maxPromptPrice, maxCompletionPrice, maxRequestPrice, maxImagePrice, value, zdr,
                preferredMaxLatencyMs, preferredMinThroughput);
    }

    /** With several models, sort all their endpoints together rather than model by model. */
    public boolean sortsAcrossModels() {
        return sort != null && "none".equals(partition);
    }
}
