package io.llmgateway.catalog.service;

import io.llmgateway.catalog.persistence.EndpointEntity;
import io.llmgateway.catalog.persistence.ModelEntity;
import java.math.BigDecimal;
import java.time.Instant;

/** Seed-owned rows as an import writes them, and the catalog events on the real stream, for the tests. */
public final class CatalogTestRows {

    private CatalogTestRows() {
    }

    public static ModelEntity model(String id) {
        ModelEntity m = new ModelEntity();
        m.id = id;
        m.canonicalSlug = id;
        m.name = id;
        m.description = "";
        m.created = 1_700_000_000L;
        m.contextLength = 8192;
        m.inputModalities = "text";
        m.outputModalities = "text";
        m.tokenizer = "Other";
        m.supportedParameters = "max_tokens,temperature";
        m.enabled = true;
        m.source = SeedCatalog.SOURCE;
        m.updatedAt = Instant.now();
        return m;
    }

    public static EndpointEntity endpoint(String model, String provider, String providerModel) {
        EndpointEntity e = new EndpointEntity();
        e.id = provider + ":" + model;
        e.modelId = model;
        e.providerSlug = provider;
        e.providerModel = providerModel;
        e.pricePrompt = new BigDecimal("0.000001");
        e.priceCompletion = new BigDecimal("0.000002");
        e.priceRequest = BigDecimal.ZERO;
        e.priceImage = BigDecimal.ZERO;
        e.supportedParameters = "max_tokens,temperature";
        e.enabled = true;
        e.source = SeedCatalog.SOURCE;
        e.updatedAt = Instant.now();
        return e;
    }
}
