package io.llmgateway.auth.model;

import java.math.BigDecimal;
import java.time.Instant;

/** Body of {@code POST /api/v1/keys}; unknown fields are rejected by the JSON mapper. */
public record CreateKeyRequest(
        String name,
        BigDecimal limit,
        String limitReset,
        Instant expiresAt,
        Boolean includeByokInLimit,
        RateLimit rateLimit) {
}
