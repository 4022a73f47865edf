package io.llmgateway.auth.model;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** {@code GET /api/v1/key}: the calling key as OpenRouter describes it. */
public record CurrentKeyView(
        String label,
        String name,
        BigDecimal limit,
        BigDecimal limitRemaining,
        String limitReset,
        @JsonUnwrapped KeySpend spend,
        boolean isFreeTier,
        boolean isManagementKey,
        boolean isProvisioningKey,
        boolean includeByokInLimit,
        String creatorUserId,
        Instant expiresAt,
        /** OpenRouter's data-region restriction; none here, so always empty. */
        List<String> allowedDataRegions,
        FreeModelDailyRequests freeModelDailyRequests,
        /** No organizations here: always null, but present (OpenRouter's SDK requires the field). */
        String organizationId,
        /** The key's account, never null. */
        String workspaceId,
        CurrentRateLimit rateLimit) {

    /** Requests to {@code :free} models today (UTC day), as routing counts them for this key. */
    public record FreeModelDailyRequests(int limit, int remaining, int used) {
    }

    /**
     * OpenRouter's deprecated {@code requests}/{@code interval}/{@code note} shape, plus the per-minute
     * numbers routing enforces ({@code requests} is -1 when the key has no rpm of its own).
     */
    public record CurrentRateLimit(int requests, String interval, String note, Integer requestsPerMinute,
            Integer tokensPerMinute) {
    }
}
