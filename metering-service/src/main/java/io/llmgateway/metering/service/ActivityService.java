package io.llmgateway.metering.service;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.metering.model.ActivityItem;
import io.llmgateway.metering.model.Caller;
import io.llmgateway.metering.persistence.UsageQueryRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
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
                    List<ActivityItem> items = rows.stream().map(r -> ActivityItem.of(r, caller.accountId())).toList();
                    return Map.of("data", items);
                });
    }
}
