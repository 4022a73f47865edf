package io.llmgateway.auth.service;

import io.llmgateway.auth.config.GatewayConfig;
import io.llmgateway.contracts.security.OperatorToken;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** Guards {@code /admin} with the operator token (the shared rule is {@link OperatorToken}). */
@ApplicationScoped
public class OperatorGuard {

    private final Optional<String> token;

    public OperatorGuard(GatewayConfig config) {
        this.token = config.operatorToken();
    }

    public void check(String authorization) {
        OperatorToken.require(authorization, token);
    }
}
