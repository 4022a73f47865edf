package io.llmgateway.catalog.health;

import io.llmgateway.catalog.service.CatalogCache;
import io.llmgateway.catalog.service.CatalogIndex;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until the catalog is in memory: before that every list would be empty and routing would
 * cache an empty snapshot. PostgreSQL and Redis have their own built-in readiness checks.
 */
@Readiness
@ApplicationScoped
public class CatalogLoadedCheck implements HealthCheck {

    private final CatalogCache cache;

    public CatalogLoadedCheck(CatalogCache cache) {
        this.cache = cache;
    }

    @Override
    public HealthCheckResponse call() {
        CatalogIndex index = cache.index();
        return HealthCheckResponse.named("catalog-loaded").status(index.version() >= 0)
                .withData("version", index.version()).withData("models", index.models().size()).build();
    }
}
