package io.llmgateway.auth.service;

import io.llmgateway.auth.persistence.ApiKeyEntity;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.internal.KeyState;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/**
 * Resolves {@code Authorization: Bearer <secret>} to the calling key. Every failure is the same
 * kind of 401 and never repeats what the caller sent, so a secret cannot leak through an error.
 */
@ApplicationScoped
public class KeyAuthenticator {

    private final Clock clock;

    public KeyAuthenticator(Clock clock) {
        this.clock = clock;
    }

    public Uni<ApiKeyEntity> authenticate(String authorization) {
        String secret = bearer(authorization);
        if (secret == null) {
            return Uni.createFrom().failure(GatewayException.unauthorized("Missing Authentication header"));
        }
        String hash = KeySecrets.hash(secret);
        return Panache.withSession(() -> ApiKeyEntity.<ApiKeyEntity>findById(hash)).map(key -> {
            if (key == null || !KeySecrets.matches(secret, key.hash)) {
                throw GatewayException.unauthorized("Invalid API key");
            }
            if (key.disabled) {
                throw GatewayException.unauthorized("API key is disabled");
            }
            if (key.expiresAt != null && !key.expiresAt.isAfter(clock.instant())) {
                throw GatewayException.unauthorized("API key has expired");
            }
            return key;
        });
    }

    /** Like {@link #authenticate} but only management keys pass; inference keys get 403. */
    public Uni<ApiKeyEntity> management(String authorization) {
        return authenticate(authorization).map(key -> {
            if (!KeyState.MANAGEMENT.equals(key.kind)) {
                throw GatewayException.forbidden("Only management keys can perform this operation");
            }
            return key;
        });
    }

    static String bearer(String authorization) {
        if (authorization == null || authorization.length() <= 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String secret = authorization.substring(7).trim();
        return secret.isEmpty() ? null : secret;
    }
}
