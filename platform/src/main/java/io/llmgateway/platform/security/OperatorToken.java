package io.llmgateway.platform.security;

import io.llmgateway.contracts.error.GatewayException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The operator API rule every service's {@code /admin} shares: {@code Authorization: Bearer
 * <gateway.operator-token>}; with no token configured the operator API is off (403). Applied to
 * resources by {@link OperatorOnly}.
 */
public final class OperatorToken {

    private OperatorToken() {
    }

    public static void require(String authorization, Optional<String> configured) {
        Optional<String> token = configured.filter(t -> !t.isBlank());
        if (token.isEmpty()) {
            throw GatewayException.forbidden("The operator API is disabled (gateway.operator-token is not set)");
        }
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : "";
        if (presented.isEmpty()) {
            throw GatewayException.unauthorized("Missing operator token (Authorization: Bearer ...)");
        }
        // constant-time comparison: the token must not leak through response timing
        if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                token.get().getBytes(StandardCharsets.UTF_8))) {
            throw GatewayException.unauthorized("Invalid operator token");
        }
    }
}
