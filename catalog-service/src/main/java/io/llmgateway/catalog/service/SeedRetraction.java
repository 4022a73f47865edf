package io.llmgateway.catalog.service;

import io.llmgateway.catalog.persistence.EndpointEntity;
import io.llmgateway.catalog.persistence.ModelEntity;
import io.llmgateway.catalog.persistence.ProviderEntity;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which stored rows a seed import removes: those the seed owns ({@code source = seed}) that the current
 * seed no longer lists. Without this, a database imported by an older seed keeps endpoints the seed
 * dropped on purpose (unpriced ones would route as free). Rows an operator wrote (admin API, ConfigMap)
 * are never removed. Rows are deleted rather than disabled: inside the catalog only endpoints reference
 * models and providers, and other services keep endpoint ids as plain strings (health, generations),
 * so nothing needs the row afterwards. A seed model or provider that an operator's endpoint still uses
 * is kept, because deleting it would break that endpoint.
 */
final class SeedRetraction {

    /** Ids to delete, in the order foreign keys allow: endpoints, then models, then providers. */
    record Removal(List<String> endpoints, List<String> models, List<String> providers) {

        int size() {
            return endpoints.size() + models.size() + providers.size();
        }
    }

    private SeedRetraction() {
    }

    static Removal of(SeedCatalog.Plan seed, Collection<ProviderEntity> providers, Collection<ModelEntity> models,
            Collection<EndpointEntity> endpoints) {
        Set<String> seedEndpoints = seed.endpoints().stream().map(e -> e.id).collect(Collectors.toSet());
        Set<String> seedModels = seed.models().stream().map(m -> m.id).collect(Collectors.toSet());
        Set<String> seedProviders = seed.providers().stream().map(p -> p.slug).collect(Collectors.toSet());

        List<EndpointEntity> gone = endpoints.stream().filter(e -> seedOwned(e.source) && !seedEndpoints.contains(e.id))
                .toList();
        Set<String> goneIds = gone.stream().map(e -> e.id).collect(Collectors.toSet());
        List<EndpointEntity> kept = endpoints.stream().filter(e -> !goneIds.contains(e.id)).toList();
        Set<String> usedModels = kept.stream().map(e -> e.modelId).collect(Collectors.toSet());
        Set<String> usedProviders = kept.stream().map(e -> e.providerSlug).collect(Collectors.toSet());

        return new Removal(
                gone.stream().map(e -> e.id).sorted().toList(),
                models.stream().filter(m -> seedOwned(m.source) && !seedModels.contains(m.id) && !usedModels.contains(m.id))
                        .map(m -> m.id).sorted().toList(),
                providers.stream().filter(p -> seedOwned(p.source) && !seedProviders.contains(p.slug)
                        && !usedProviders.contains(p.slug)).map(p -> p.slug).sorted().toList());
    }

    private static boolean seedOwned(String source) {
        return SeedCatalog.SOURCE.equals(source);
    }
}
