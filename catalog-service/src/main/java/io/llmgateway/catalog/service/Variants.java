package io.llmgateway.catalog.service;

import io.llmgateway.catalog.model.ModelView;
import io.llmgateway.catalog.persistence.EndpointEntity;
import java.util.List;
import java.util.Set;

/**
 * Model variants as {@code author/slug:variant}. {@code :free} exists when one of the model's routable
 * endpoints is zero-priced; {@code :nitro} (fastest endpoints first) and {@code :floor} (cheapest first)
 * are routing shortcuts every model has. The variant's id is shown as asked for.
 */
final class Variants {

    static final Set<String> SHORTCUTS = Set.of("nitro", "floor");

    private Variants() {
    }

    static boolean offered(CatalogIndex index, ModelView model, String variant) {
        if (SHORTCUTS.contains(variant)) {
            return true;
        }
        if (!"free".equals(variant)) {
            return false;
        }
        List<EndpointEntity> endpoints = index.visibleEndpoints().getOrDefault(model.id(), List.of());
        return endpoints.stream().anyMatch(e -> e.pricePrompt.signum() == 0 && e.priceCompletion.signum() == 0);
    }

    static ModelView render(ModelView m, String variant) {
        return new ModelView(m.id() + ":" + variant, m.canonicalSlug(), m.huggingFaceId(), m.name(), m.created(),
                m.description(), m.contextLength(), m.architecture(), m.pricing(), m.topProvider(),
                m.perRequestLimits(), m.supportedParameters(), m.defaultParameters(), m.supportedVoices(),
                m.expirationDate(), m.knowledgeCutoff(), m.links());
    }
}
