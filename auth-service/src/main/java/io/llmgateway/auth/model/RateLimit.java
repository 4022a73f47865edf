package io.llmgateway.auth.model;

/** A key's rate-limit policy, enforced by routing; null means the gateway default / no token limit. */
public record RateLimit(Integer requestsPerMinute, Integer tokensPerMinute) {
}
