package io.llmgateway.metering.client;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.internal.KeyState;
import io.llmgateway.metering.config.MeteringConfig;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Resolves a key hash through auth-service. A 404 is an answer (unknown key, empty Optional); any other
 * failure means auth is unreachable and the caller gets a 503 envelope rather than a wrong 401.
 */
@ApplicationScoped
public class AuthClient {

    private final AuthApi api;

    public AuthClient(MeteringConfig config) {
        this.api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(config.auth().url()))
                .connectTimeout(2, TimeUnit.SECONDS)
                .readTimeout(5, TimeUnit.SECONDS)
                .build(AuthApi.class);
    }

    public Uni<Optional<KeyState>> key(String keyHash) {
        return api.key(keyHash).map(Optional::ofNullable)
                .ifNoItem().after(Duration.ofSeconds(6)).fail()
                .onFailure().recoverWithUni(f -> {
                    if (f instanceof WebApplicationException wae && wae.getResponse() != null
                            && wae.getResponse().getStatus() == 404) {
                        return Uni.createFrom().item(Optional.<KeyState>empty());
                    }
                    return Uni.createFrom().failure(new GatewayException(503,
                            "Key verification is unavailable, try again shortly"));
                });
    }
}
