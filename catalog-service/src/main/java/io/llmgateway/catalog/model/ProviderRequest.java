package io.llmgateway.catalog.model;

/** Body of {@code PUT /admin/providers/{slug}}: creates or replaces a provider. */
public record ProviderRequest(String name, String adapter, String baseUrl, CredentialInput credential,
        Boolean trainsOnData, Boolean retainsPrompts, String status) {
}
