package io.llmgateway.catalog.model;

/**
 * Body of {@code PUT /admin/providers/{slug}}: creates or replaces a provider. {@code zdr}: the operator
 * vouches that the provider retains no data (zero data retention); routing's {@code provider.zdr} uses it.
 */
public record ProviderRequest(String name, String adapter, String baseUrl, CredentialInput credential,
        Boolean trainsOnData, Boolean retainsPrompts, String status, Boolean zdr) {

    /** A provider not marked zero-data-retention. */
    public ProviderRequest(String name, String adapter, String baseUrl, CredentialInput credential,
            Boolean trainsOnData, Boolean retainsPrompts, String status) {
        this(name, adapter, baseUrl, credential, trainsOnData, retainsPrompts, status, null);
    }
}
