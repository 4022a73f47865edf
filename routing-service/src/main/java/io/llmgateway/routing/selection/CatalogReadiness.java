package io.llmgateway.routing.selection;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until the first catalog snapshot is in memory: without it no request can be routed. */
@Readiness
@ApplicationScoped
public class CatalogReadiness implements HealthCheck {

    private final CatalogCache catalog;

    public CatalogReadiness(CatalogCache catalog) {
        this.catalog = catalog;
    }

    @Override
    public HealthCheckResponse call() {
        CatalogCache.Index index = catalog.index();
        return HealthCheckResponse.named("catalog-snapshot").status(index != null)
                .withData("version", index == null ? -1 : index.snapshot().version()).build();
    }
}
