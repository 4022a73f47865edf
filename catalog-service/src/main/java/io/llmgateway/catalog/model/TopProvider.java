package io.llmgateway.catalog.model;

/** Limits of the endpoint that sets the model's default price (its cheapest). */
public record TopProvider(Integer contextLength, Integer maxCompletionTokens, boolean isModerated) {
}
