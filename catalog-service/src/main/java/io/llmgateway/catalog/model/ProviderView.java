package io.llmgateway.catalog.model;

import java.util.List;

/** One entry of {@code GET /api/v1/providers}. */
public record ProviderView(String name, String slug, String privacyPolicyUrl, String termsOfServiceUrl,
        String statusPageUrl, String headquarters, List<String> datacenters) {
}
