package io.llmgateway.catalog.model;

import java.util.List;

/** Body of {@code PUT /admin/endpoints/{id}}: creates or replaces one model-on-provider endpoint. */
public record EndpointRequest(String modelId, String provider, String providerModel, Integer contextLength,
        Integer maxCompletionTokens, String quantization, PricingInput pricing, List<String> supportedParameters,
        Boolean enabled) {
}
