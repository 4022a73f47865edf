package io.llmgateway.catalog.service;

import io.llmgateway.catalog.config.GatewayConfig;
import io.llmgateway.contracts.error.GatewayException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** Checks the operator bearer token of {@code /admin}; with no token configured that API is off. */
@ApplicationScoped
public class OperatorGuard {

    private final Optional<String> token;

    public OperatorGuard(GatewayConfig config) {
        this.token = config.operatorToken().filter(t -> !t.isBlank());
    }

    public void check(String authorization) {
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        if (presented == null || presented.isEmpty()) {
            throw GatewayException.unauthorized("Missing operator token (Authorization: Bearer ...)");
        }
        if (token.isEmpty()) {
            throw GatewayException.forbidden("The operator API is disabled (gateway.operator-token is not set)");
        }
        // constant-time comparison: the token must not leak through response timing
        if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token.get().getBytes(StandardCharsets.UTF_8))) {
            throw GatewayException.unauthorized("Invalid operator token");
        }
    }
}
