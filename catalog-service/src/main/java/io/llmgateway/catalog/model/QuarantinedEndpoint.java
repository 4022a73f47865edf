package io.llmgateway.catalog.model;

/** An endpoint kept out of routing because its prices look wrong, and why. */
public record QuarantinedEndpoint(String id, String modelId, String provider, String providerModel,
        PublicPricing pricing, String reason) {
}
