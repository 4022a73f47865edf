package io.llmgateway.platform.security;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** The operator API's one setting, shared by every service that has an {@code /admin} API. */
@ConfigMapping(prefix = "gateway")
public interface OperatorConfig {

    /** Bearer token of the operator API ({@code /admin}); unset turns that API off. */
    Optional<String> operatorToken();
}
