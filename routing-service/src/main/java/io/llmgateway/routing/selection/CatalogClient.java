package io.llmgateway.routing.selection;

import io.llmgateway.contracts.internal.CatalogSnapshot;
import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.peers.InternalGet;
import io.vertx.core.Future;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Catalog's {@code GET /internal/snapshot}; an empty result means 304 (our copy is current). */
@ApplicationScoped
public class CatalogClient {

    private final InternalGet get;
    private final String url;

    public CatalogClient(InternalGet get, RoutingConfig config) {
        this.get = get;
        this.url = config.catalog().url() + "/internal/snapshot";
    }

    public Future<Optional<CatalogSnapshot>> fetch(Long knownVersion) {
        RequestOptions options = new RequestOptions().setAbsoluteURI(url).setTimeout(10_000);
        if (knownVersion != null) {
            options.putHeader("If-None-Match", "\"" + knownVersion + "\"");
        }
        return get.fetch(options, 304, CatalogSnapshot.class, "catalog", "catalog snapshot");
    }
}
