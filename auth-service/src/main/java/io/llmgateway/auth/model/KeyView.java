package io.llmgateway.auth.model;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.math.BigDecimal;
import java.time.Instant;

/** A key as {@code /api/v1/keys} shows it (OpenRouter's key object plus our rate limit). Never the secret. */
public record KeyView(
        String hash,
        String name,
        String label,
        boolean disabled,
        BigDecimal limit,
        BigDecimal limitRemaining,
        String limitReset,
        boolean includeByokInLimit,
        @JsonUnwrapped KeySpend spend,
        Instant createdAt,
        Instant updatedAt,
        Instant expiresAt,
        /** OpenRouter's end-user id of a key created for one; we have none, so always null (present). */
        String externalUser,
        String creatorUserId,
        String workspaceId,
        boolean isManagementKey,
        RateLimit rateLimit) {
}
