package io.llmgateway.metering.service;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.internal.KeyState;
import io.llmgateway.metering.client.AuthClient;
import io.llmgateway.metering.config.MeteringConfig;
import io.llmgateway.metering.model.Caller;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns "Authorization: Bearer &lt;key&gt;" into a {@link Caller}: SHA-256 hex of the secret, looked up in
 * auth-service, cached briefly (positive and negative) so dashboards polling the APIs do not hammer auth.
 */
@ApplicationScoped
public class CallerResolver {

    private record Cached(Optional<KeyState> state, long expiresAtMillis) {
    }

    private static final int MAX_CACHED = 10_000;

    private final AuthClient auth;
    private final MeteringConfig config;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public CallerResolver(AuthClient auth, MeteringConfig config) {
        this.auth = auth;
        this.config = config;
    }

    public Uni<Caller> resolve(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            return Uni.createFrom().failure(GatewayException.unauthorized("Missing Authorization header: Bearer <key>"));
        }
        String hash = sha256(authorization.substring(7).trim());
        Cached cached = cache.get(hash);
        Uni<Optional<KeyState>> state = cached != null && cached.expiresAtMillis() > System.currentTimeMillis()
                ? Uni.createFrom().item(cached.state())
                : auth.key(hash).invoke(s -> remember(hash, s));
        return state.map(s -> {
            KeyState key = s.filter(k -> !k.disabled() && !k.isExpired(Instant.now()) && k.accountId() != null)
                    .orElseThrow(() -> GatewayException.unauthorized("Invalid, disabled or expired API key"));
            return new Caller(key.accountId(), key.keyHash() == null ? hash : key.keyHash(), key.isManagement());
        });
    }

    public Uni<Caller> resolveManagement(String authorization) {
        return resolve(authorization).invoke(c -> {
            if (!c.management()) {
                throw GatewayException.forbidden("This endpoint requires a management key");
            }
        });
    }

    private void remember(String hash, Optional<KeyState> state) {
        if (cache.size() >= MAX_CACHED) {
            cache.clear(); // crude bound: a flood of random keys must not grow memory without limit
        }
        long ttl = (state.isPresent() ? config.auth().cacheTtl() : config.auth().negativeTtl()).toMillis();
        cache.put(hash, new Cached(state, System.currentTimeMillis() + ttl));
    }

    public static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
