package io.llmgateway.auth.model;

/** Operator: the new account and its first management key (the secret is shown only here). */
public record AccountCreated(String accountId, String managementKey, String managementKeyHash) {
}
