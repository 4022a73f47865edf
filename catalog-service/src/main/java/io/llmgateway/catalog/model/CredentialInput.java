package io.llmgateway.catalog.model;

/**
 * Where a provider's key lives: an environment variable of the routing pods and/or the Kubernetes
 * Secret (name, key) that fills it. Never the key itself.
 */
public record CredentialInput(String env, String secretName, String secretKey) {
}
