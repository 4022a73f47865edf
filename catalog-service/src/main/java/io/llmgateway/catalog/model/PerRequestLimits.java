package io.llmgateway.catalog.model;

/** Per-request token limits of a model; null on the model when it has none. */
public record PerRequestLimits(Integer promptTokens, Integer completionTokens) {
}
