package io.llmgateway.metering.service;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.metering.model.Caller;
import io.llmgateway.metering.persistence.UsageQueryRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenRouter's activity: per UTC day and model/endpoint for the last 30 completed UTC days (today is
 * not included, as in OpenRouter), read from the day rollup.
 */
@ApplicationScoped
public class ActivityService {

    static final int DAYS = 30;

    private final UsageQueryRepository usage;

    public ActivityService(UsageQueryRepository usage) {
        this.usage = usage;
    }

    public Uni<Map<String, Object>> activity(Caller caller, String date, String keyHash) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate from = today.minusDays(DAYS);
        LocalDate to = today;
        if (date != null && !date.isBlank()) {
            LocalDate day;
            try {
                day = LocalDate.parse(date.trim());
            } catch (DateTimeParseException e) {
                return Uni.createFrom().failure(GatewayException.badRequest("'date' must be YYYY-MM-DD"));
            }
            if (day.isBefore(from) || !day.isBefore(today)) {
                return Uni.createFrom().failure(GatewayException.badRequest(
                        "'date' must be one of the last " + DAYS + " completed UTC days (" + from + " to "
                                + today.minusDays(1) + ")"));
            }
            from = day;
            to = day.plusDays(1);
        }
        String hash = keyHash == null || keyHash.isBlank() ? null : keyHash.trim().toLowerCase();
        return usage.activity(caller.accountId(), from.atStartOfDay().toEpochSecond(ZoneOffset.UTC),
                to.atStartOfDay().toEpochSecond(ZoneOffset.UTC), hash).map(rows -> {
                    List<Map<String, Object>> items = rows.stream().map(r -> {
                        Map<String, Object> item = new LinkedHashMap<>();
                        item.put("date", r.getString("date"));
                        item.put("model", r.getString("model"));
                        item.put("model_permaslug", r.getString("model"));
                        item.put("endpoint_id", r.getString("endpoint_id"));
                        item.put("provider_name", r.getString("provider"));
                        item.put("usage", r.getBigDecimal("cost"));
                        item.put("byok_usage_inference", BigDecimal.ZERO);
                        item.put("requests", r.getLong("requests"));
                        item.put("prompt_tokens", r.getLong("prompt_tokens"));
                        item.put("completion_tokens", r.getLong("completion_tokens"));
                        item.put("reasoning_tokens", r.getLong("reasoning_tokens"));
                        item.put("cached_tokens", r.getLong("cached_tokens"));
                        item.put("cache_write_tokens", r.getLong("cache_write_tokens"));
                        item.put("workspace_id", caller.accountId());
                        return item;
                    }).toList();
                    return Map.of("data", items);
                });
    }
}
