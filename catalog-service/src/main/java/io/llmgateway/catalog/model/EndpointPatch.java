package io.llmgateway.catalog.model;

/** Body of {@code PATCH /admin/endpoints/{id}}: only the fields present change (enabled, single prices). */
public record EndpointPatch(Boolean enabled, PricingInput pricing) {
}
