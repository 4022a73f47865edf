package io.llmgateway.routing.selection;

import io.llmgateway.contracts.internal.CatalogSnapshot;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.upstream.HttpClients;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Catalog's {@code GET /internal/snapshot}; an empty result means 304 (our copy is current). */
@ApplicationScoped
public class CatalogClient {

    private final HttpClients clients;
    private final String url;

    public CatalogClient(HttpClients clients, RoutingConfig config) {
        this.clients = clients;
        this.url = config.catalog().url() + "/internal/snapshot";
    }

    public Future<Optional<CatalogSnapshot>> fetch(Long knownVersion) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                .setTimeout(10_000);
        if (knownVersion != null) {
            options.putHeader("If-None-Match", "\"" + knownVersion + "\"");
        }
        return clients.internal().request(options)
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(body -> {
                    if (resp.statusCode() == 304) {
                        return Optional.<CatalogSnapshot>empty();
                    }
                    if (resp.statusCode() != 200) {
                        throw new IllegalStateException("catalog answered " + resp.statusCode());
                    }
                    try {
                        return Optional.of(Json.MAPPER.readValue(body.getBytes(), CatalogSnapshot.class));
                    } catch (Exception e) {
                        throw new IllegalStateException("catalog snapshot unreadable: " + e.getMessage());
                    }
                }));
    }
}
