package io.llmgateway.routing.keys;

import io.llmgateway.contracts.internal.KeyState;
import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.peers.InternalGet;
import io.vertx.core.Future;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Auth's {@code GET /internal/keys/{hash}}; empty means the key is unknown (404). */
@ApplicationScoped
public class AuthClient {

    private final InternalGet get;
    private final String base;

    public AuthClient(InternalGet get, RoutingConfig config) {
        this.get = get;
        this.base = config.auth().url() + "/internal/keys/";
    }

    public Future<Optional<KeyState>> key(String keyHash) {
        return get.fetch(new RequestOptions().setAbsoluteURI(base + keyHash).setTimeout(5_000), 404, KeyState.class,
                "auth", "key state");
    }
}
