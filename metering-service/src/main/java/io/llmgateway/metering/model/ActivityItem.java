package io.llmgateway.metering.model;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.vertx.mutiny.sqlclient.Row;
import java.math.BigDecimal;

/**
 * One item of OpenRouter's activity ({@code ActivityItem}): a UTC day's usage of one model on one endpoint.
 * The gateway has no model versions and no BYOK: the permaslug is the model id, BYOK usage is zero.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ActivityItem(
        String date,
        String model,
        String modelPermaslug,
        String endpointId,
        String providerName,
        BigDecimal usage,
        BigDecimal byokUsageInference,
        Long requests,
        Long promptTokens,
        Long completionTokens,
        Long reasoningTokens,
        Long cachedTokens,
        Long cacheWriteTokens,
        String workspaceId) {

    /** From a row of the day rollup's activity query. */
    public static ActivityItem of(Row r, String accountId) {
        return new ActivityItem(r.getString("date"), r.getString("model"), r.getString("model"),
                r.getString("endpoint_id"), r.getString("provider"), r.getBigDecimal("cost"), BigDecimal.ZERO,
                r.getLong("requests"), r.getLong("prompt_tokens"), r.getLong("completion_tokens"),
                r.getLong("reasoning_tokens"), r.getLong("cached_tokens"), r.getLong("cache_write_tokens"), accountId);
    }
}
