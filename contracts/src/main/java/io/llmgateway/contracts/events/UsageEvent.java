package io.llmgateway.contracts.events;

import io.llmgateway.contracts.WireRecord;
import java.math.BigDecimal;
import java.util.List;

/**
 * One finished request (success, failure or cancellation), written by routing to the usage stream
 * after the response is complete. Consumers key on {@code generationId}: a redelivered event must
 * never count or charge twice.
 *
 * <p>{@code cost} is exact USD; {@code costMicros} is the same cost rounded up to whole micro-dollars,
 * the unit of the Redis pending counters (see {@link RedisKeys#accountPending}).
 *
 * <p>{@code cachedTokens} are prompt tokens read from the provider's cache, {@code cacheWriteTokens}
 * those written to it; both are part of {@code promptTokens}.
 *
 * <p>On the stream, a field whose value is null, or a primitive 0 or false, may be absent (routing
 * leaves those out to keep entries small); readers take an absent field as that value, which is what
 * Jackson does for this record. {@code cost} is always present.
 *
 * <p>{@code appReferer} / {@code appTitle} are the client's {@code HTTP-Referer} and {@code X-Title}
 * (or {@code X-OpenRouter-Title}) headers; {@code user} is the request's end-user id ({@code user});
 * {@code sessionId} its {@code session_id} (or the {@code x-session-id} header).
 */
@WireRecord
public record UsageEvent(
        String generationId,
        long createdAt,
        String keyHash,
        String accountId,
        String requestedModel,
        String model,
        String provider,
        String endpointId,
        String providerModel,
        String upstreamId,
        List<UsageAttempt> attempts,
        long promptTokens,
        long completionTokens,
        long reasoningTokens,
        long cachedTokens,
        boolean tokensEstimated,
        BigDecimal cost,
        long costMicros,
        long latencyMs,
        Long ttftMs,
        long generationTimeMs,
        boolean streamed,
        boolean cancelled,
        String status,
        int httpStatus,
        String finishReason,
        String nativeFinishReason,
        String errorMessage,
        String appReferer,
        String appTitle,
        String traceparent,
        long cacheWriteTokens,
        String user,
        String sessionId) {

    /**
     * The event as it was before {@code cacheWriteTokens} (prompt tokens written to the provider's
     * cache, priced at {@code input_cache_write}; 0 when none), {@code user} and {@code sessionId}
     * (the client's end-user and session ids; null when it sent none): kept so producers and tests
     * written against the older shape still compile.
     */
    public UsageEvent(String generationId, long createdAt, String keyHash, String accountId, String requestedModel,
            String model, String provider, String endpointId, String providerModel, String upstreamId,
            List<UsageAttempt> attempts, long promptTokens, long completionTokens, long reasoningTokens,
            long cachedTokens, boolean tokensEstimated, BigDecimal cost, long costMicros, long latencyMs, Long ttftMs,
            long generationTimeMs, boolean streamed, boolean cancelled, String status, int httpStatus,
            String finishReason, String nativeFinishReason, String errorMessage, String appReferer, String appTitle,
            String traceparent) {
        this(generationId, createdAt, keyHash, accountId, requestedModel, model, provider, endpointId, providerModel,
                upstreamId, attempts, promptTokens, completionTokens, reasoningTokens, cachedTokens, tokensEstimated,
                cost, costMicros, latencyMs, ttftMs, generationTimeMs, streamed, cancelled, status, httpStatus,
                finishReason, nativeFinishReason, errorMessage, appReferer, appTitle, traceparent, 0, null, null);
    }

    public static final String STATUS_SUCCESS = "success";
    public static final String STATUS_ERROR = "error";
    public static final String STATUS_CANCELLED = "cancelled";
}
