package io.llmgateway.routing.selection;

import io.llmgateway.contracts.internal.CatalogSnapshot;

/** One endpoint the request may be sent to, with the model it serves and its provider. */
public record Candidate(CatalogSnapshot.Model model, CatalogSnapshot.Endpoint endpoint, CatalogSnapshot.Provider provider) {

    public String endpointId() {
        return endpoint.id();
    }

    public String providerSlug() {
        return provider.slug();
    }

    public String providerName() {
        return provider.name() == null ? provider.slug() : provider.name();
    }

    /** The wire protocol spoken to this endpoint: its own when the catalog records one, else its provider's. */
    public String protocol() {
        return endpoint.adapter() != null ? endpoint.adapter() : provider.adapter();
    }

    /** Where this endpoint is called: its own base URL when the catalog gives one (another protocol's), else its provider's. */
    public String baseUrl() {
        return endpoint.baseUrl() != null ? endpoint.baseUrl() : provider.baseUrl();
    }

    public int contextLength() {
        Integer c = endpoint.contextLength() != null ? endpoint.contextLength() : model.contextLength();
        return c == null ? Integer.MAX_VALUE : c;
    }
}
