package io.llmgateway.metering.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.metering.config.MeteringConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;

/**
 * Turns a stream entry into a usage event, or into the reason it is poison. Anything that would make
 * the stored numbers wrong (no generation id or account, negative tokens, no cost, unknown status, a
 * timestamp outside the stored window) is rejected here so it goes to the dead-letter stream instead of
 * blocking the group or corrupting a time-series.
 */
@ApplicationScoped
public class UsageEntryParser {

    private static final Set<String> STATUSES = Set.of(UsageEvent.STATUS_SUCCESS, UsageEvent.STATUS_ERROR,
            UsageEvent.STATUS_CANCELLED);

    /** Either {@code event} or {@code reason} is set. */
    public record Parsed(String entryId, UsageEvent event, String traceparent, String reason, String data) {
        public boolean poison() {
            return reason != null;
        }
    }

    private final ObjectMapper mapper;
    private final MeteringConfig config;

    public UsageEntryParser(ObjectMapper mapper, MeteringConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    public Parsed parse(String entryId, Map<String, String> fields, long nowEpochSecond) {
        String traceparent = fields.get(RedisKeys.TRACEPARENT_FIELD);
        String data = fields.get(RedisKeys.DATA_FIELD);
        if (data == null || data.isBlank()) {
            return new Parsed(entryId, null, traceparent, "missing field 'data'", data);
        }
        UsageEvent event;
        try {
            event = mapper.readValue(data, UsageEvent.class);
        } catch (Exception e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Parsed(entryId, null, traceparent, "invalid JSON: " + message.lines().findFirst().orElse(""), data);
        }
        String reason = invalid(event, nowEpochSecond);
        return reason == null ? new Parsed(entryId, event, traceparent, null, data)
                : new Parsed(entryId, null, traceparent, reason, data);
    }

    String invalid(UsageEvent e, long now) {
        if (e == null) {
            return "empty event";
        }
        if (blank(e.generationId())) {
            return "missing generation_id";
        }
        if (blank(e.accountId())) {
            return "missing account_id";
        }
        if (blank(e.keyHash())) {
            return "missing key_hash";
        }
        if (blank(e.model()) && blank(e.requestedModel())) {
            return "missing model and requested_model";
        }
        if (e.status() == null || !STATUSES.contains(e.status())) {
            return "invalid status '" + e.status() + "'";
        }
        if (e.cost() == null) {
            return "missing cost";
        }
        if (e.cost().signum() < 0) {
            return "negative cost";
        }
        if (e.promptTokens() < 0 || e.completionTokens() < 0 || e.reasoningTokens() < 0 || e.cachedTokens() < 0
                || e.cacheWriteTokens() < 0) {
            return "negative token count";
        }
        if (e.latencyMs() < 0 || e.generationTimeMs() < 0 || (e.ttftMs() != null && e.ttftMs() < 0)) {
            return "negative duration";
        }
        if (e.createdAt() <= 0) {
            return "missing created_at";
        }
        // older events could only be stored partially: their minute buckets are already past retention
        // (and their generation partition may be dropped already)
        int days = Math.min(config.storage().minuteRetentionDays(), config.storage().generationRetentionDays());
        if (e.createdAt() < now - days * 86_400L) {
            return "created_at older than the retention (" + days + " days)";
        }
        if (e.createdAt() > now + config.ingest().maxFutureSkew().toSeconds()) {
            return "created_at in the future (unix seconds expected)";
        }
        return null;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
