package io.llmgateway.catalog.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.catalog.persistence.EndpointEntity;
import io.llmgateway.catalog.persistence.ModelEntity;
import io.llmgateway.catalog.persistence.ProviderEntity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which rows an import removes, without a database: only seed-owned rows, never what an operator row uses. */
class SeedRetractionRulesTest {

    @Test
    void removesOnlySeedRowsTheSeedDroppedAndKeepsWhatOperatorRowsUse() {
        SeedCatalog.Plan seed = new SeedCatalog.Plan(List.of(provider("groq", "seed")), List.of(model("a/listed", "seed")),
                List.of(endpoint("a/listed", "groq", "seed")));
        List<ProviderEntity> providers = List.of(provider("groq", "seed"), provider("old", "seed"),
                provider("used-by-k8s", "seed"), provider("ops", "admin"));
        List<ModelEntity> models = List.of(model("a/listed", "seed"), model("a/dropped", "seed"),
                model("a/used-by-k8s", "seed"), model("a/operator", "admin"));
        List<EndpointEntity> endpoints = List.of(
                endpoint("a/listed", "groq", "seed"),
                endpoint("a/dropped", "old", "seed"),           // dropped by the seed
                endpoint("a/operator", "groq", "seed"),         // dropped; its model is the operator's
                endpoint("a/used-by-k8s", "used-by-k8s", "k8s"),   // a ConfigMap endpoint on seed-owned rows
                endpoint("a/listed", "ops", "admin"));

        SeedRetraction.Removal removal = SeedRetraction.of(seed, providers, models, endpoints);

        assertEquals(List.of("groq:a/operator", "old:a/dropped"), removal.endpoints());
        assertEquals(List.of("a/dropped"), removal.models());
        assertEquals(List.of("old"), removal.providers());
        assertEquals(4, removal.size());
    }

    @Test
    void nothingToRemoveWhenTheDatabaseMatchesTheSeed() {
        SeedCatalog.Plan seed = new SeedCatalog.Plan(List.of(provider("groq", "seed")), List.of(model("a/m", "seed")),
                List.of(endpoint("a/m", "groq", "seed")));
        assertEquals(0, SeedRetraction.of(seed, seed.providers(), seed.models(), seed.endpoints()).size());
    }

    private static ProviderEntity provider(String slug, String source) {
        ProviderEntity p = new ProviderEntity();
        p.slug = slug;
        p.source = source;
        return p;
    }

    private static ModelEntity model(String id, String source) {
        ModelEntity m = CatalogTestRows.model(id);
        m.source = source;
        return m;
    }

    private static EndpointEntity endpoint(String model, String provider, String source) {
        EndpointEntity e = CatalogTestRows.endpoint(model, provider, model);
        e.source = source;
        return e;
    }
}
