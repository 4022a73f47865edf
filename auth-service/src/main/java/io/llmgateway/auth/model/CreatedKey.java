package io.llmgateway.auth.model;

/** Answer of key creation: the only time the secret ({@code key}) is ever shown. */
public record CreatedKey(KeyView data, String key) {
}
