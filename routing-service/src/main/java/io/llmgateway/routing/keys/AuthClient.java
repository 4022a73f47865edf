package io.llmgateway.routing.keys;

import io.llmgateway.contracts.internal.KeyState;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.upstream.HttpClients;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Auth's {@code GET /internal/keys/{hash}}; empty means the key is unknown (404). */
@ApplicationScoped
public class AuthClient {

    private final HttpClients clients;
    private final String base;

    public AuthClient(HttpClients clients, RoutingConfig config) {
        this.clients = clients;
        this.base = config.auth().url() + "/internal/keys/";
    }

    public Future<Optional<KeyState>> key(String keyHash) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(base + keyHash)
                .setTimeout(5_000);
        return clients.internal().request(options)
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(body -> {
                    if (resp.statusCode() == 404) {
                        return Optional.<KeyState>empty();
                    }
                    if (resp.statusCode() != 200) {
                        throw new IllegalStateException("auth answered " + resp.statusCode());
                    }
                    try {
                        return Optional.of(Json.MAPPER.readValue(body.getBytes(), KeyState.class));
                    } catch (Exception e) {
                        throw new IllegalStateException("key state unreadable: " + e.getMessage());
                    }
                }));
    }
}
