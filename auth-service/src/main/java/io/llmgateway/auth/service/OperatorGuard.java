package io.llmgateway.auth.service;

import io.llmgateway.auth.config.GatewayConfig;
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
        if (token.isEmpty()) {
            throw GatewayException.forbidden("The operator API is disabled (gateway.operator-token is not set)");
        }
        String presented = KeyAuthenticator.bearer(authorization);
        if (presented == null) {
            throw GatewayException.unauthorized("Missing operator token");
        }
        if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                token.get().getBytes(StandardCharsets.UTF_8))) {
            throw GatewayException.unauthorized("Invalid operator token");
        }
    }
}
