package io.llmgateway.catalog.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.catalog.persistence.EndpointEntity;
import io.llmgateway.catalog.persistence.ModelEntity;
import io.llmgateway.contracts.events.CatalogEvent;
import io.llmgateway.contracts.events.RedisKeys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.function.Predicate;

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

    /** How many events on the catalog-events stream match. */
    public static long events(RedisDataSource redis, RedisKeys keys, ObjectMapper mapper, Predicate<CatalogEvent> which) {
        return redis.stream(String.class).xrange(keys.catalogEventsStream(), StreamRange.of("-", "+")).stream()
                .map(entry -> {
                    try {
                        return mapper.readValue(entry.payload().get("data"), CatalogEvent.class);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .filter(which).count();
    }
}
