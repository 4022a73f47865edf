package io.llmgateway.catalog.model;

import java.util.List;

/**
 * Body of {@code PUT /admin/endpoints/{id}}: creates or replaces one model-on-provider endpoint.
 *
 * @param adapter the endpoint's wire protocol when it differs from its provider's; null = the provider's
 * @param baseUrl the endpoint's own base URL; null = derived from the provider's and the protocol
 */
public record EndpointRequest(String modelId, String provider, String providerModel, Integer contextLength,
        Integer maxCompletionTokens, String quantization, PricingInput pricing, List<String> supportedParameters,
        Boolean enabled, String adapter, String baseUrl) {
}
