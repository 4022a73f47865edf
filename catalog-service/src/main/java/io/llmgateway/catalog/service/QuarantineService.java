package io.llmgateway.catalog.service;

import io.llmgateway.catalog.model.ChangeResult;
import io.llmgateway.catalog.model.QuarantinedEndpoint;
import io.llmgateway.catalog.persistence.EndpointEntity;
import io.llmgateway.contracts.error.GatewayException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Endpoints whose prices look wrong ({@link PriceSanity}): the operator's view, the operator's
 * confirmation, the re-check after every endpoint change, and the gauge
 * {@code catalog_endpoints_quarantined}.
 */
@ApplicationScoped
public class QuarantineService {

    private final CatalogStore store;
    private final CatalogCache cache;
    private final MeterRegistry registry;

    public QuarantineService(CatalogStore store, CatalogCache cache, MeterRegistry registry) {
        this.store = store;
        this.cache = cache;
        this.registry = registry;
    }

    void registerGauge(@Observes StartupEvent started) {
        Gauge.builder("catalog_endpoints_quarantined", this, q -> q.list().size())
                .description("Endpoints not routed because their prices look wrong (until an operator confirms them)")
                .register(registry);
    }

    /** {@code GET /admin/quarantine}: from memory, most recent catalog version. */
    public List<QuarantinedEndpoint> list() {
        return cache.index().endpointRows().values().stream().filter(e -> e.quarantineReason != null)
                .sorted(Comparator.comparing(e -> e.id))
                .map(e -> new QuarantinedEndpoint(e.id, e.modelId, e.providerSlug, e.providerModel,
                        CatalogIndex.pricing(e), e.quarantineReason))
                .toList();
    }

    /**
     * {@code POST /admin/endpoints/{id}/confirm}: the operator vouches for the prices; the endpoint
     * becomes routable and operator-owned (imports no longer change it).
     */
    public Uni<ChangeResult> confirm(String id) {
        return store.change("endpoint", id, () -> EndpointEntity.<EndpointEntity>findById(id).map(row -> {
            if (row == null) {
                throw GatewayException.notFound("Unknown endpoint '" + CatalogValidator.safe(id) + "'");
            }
            boolean changed = !row.priceConfirmed || row.quarantineReason != null;
            row.priceConfirmed = true;
            row.quarantineReason = null;
            row.source = AdminService.SOURCE_ADMIN;
            row.updatedAt = Instant.now();
            return new CatalogStore.Work<Void>(null, changed);
        })).map(done -> new ChangeResult("endpoint", id, done.version(), done.changed()));
    }

    /** Re-checks the prices of every endpoint of {@code modelId}, inside the caller's change. */
    public static Uni<Void> review(String modelId) {
        return EndpointEntity.<EndpointEntity>list("modelId", modelId).invoke(PriceSanity::review).replaceWithVoid();
    }
}
