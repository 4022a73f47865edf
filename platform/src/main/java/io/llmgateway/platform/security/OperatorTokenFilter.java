package io.llmgateway.platform.security;

import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

/**
 * Checks the operator token before an {@link OperatorOnly} resource runs (and before its body is read);
 * a refusal is a {@code GatewayException}, answered with the error envelope by the exception mapper.
 */
@Provider
@OperatorOnly
public class OperatorTokenFilter implements ContainerRequestFilter {

    // looked up per request: filters are created at static init, before runtime configuration exists
    private final Instance<OperatorConfig> config;

    public OperatorTokenFilter(Instance<OperatorConfig> config) {
        this.config = config;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        OperatorToken.require(request.getHeaderString(HttpHeaders.AUTHORIZATION), config.get().operatorToken());
    }
}
