package io.llmgateway.metering.service;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.metering.config.MeteringConfig;
import io.llmgateway.metering.model.Caller;
import io.llmgateway.metering.persistence.UsageQueryRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Time-series queries over the minute/hour/day tables of the caller's account. Ranges are aligned to
 * the granularity; a range longer than the granularity's cap is cut to its most recent part and the
 * answer says {@code capped: true}. Percentiles come from the summed log-scale histograms.
 */
@ApplicationScoped
public class TimeseriesService {

    static final Map<String, Long> STEP = Map.of("minute", 60L, "hour", 3600L, "day", 86_400L);
    static final Map<String, Duration> DEFAULT_RANGE = Map.of("minute", Duration.ofHours(1), "hour",
            Duration.ofHours(24), "day", Duration.ofDays(30));
    static final List<String> DEFAULT_METRICS = List.of("requests", "prompt_tokens", "completion_tokens", "cost");

    private static final Map<String, Function<Row, Object>> METRICS = new LinkedHashMap<>();

    static {
        METRICS.put("requests", r -> r.getLong("requests"));
        METRICS.put("errors", r -> r.getLong("errors"));
        METRICS.put("rate_limited", r -> r.getLong("rate_limited"));
        METRICS.put("cancelled", r -> r.getLong("cancelled"));
        METRICS.put("prompt_tokens", r -> r.getLong("prompt_tokens"));
        METRICS.put("completion_tokens", r -> r.getLong("completion_tokens"));
        METRICS.put("reasoning_tokens", r -> r.getLong("reasoning_tokens"));
        METRICS.put("cached_tokens", r -> r.getLong("cached_tokens"));
        METRICS.put("cache_write_tokens", r -> r.getLong("cache_write_tokens"));
        METRICS.put("total_tokens", r -> r.getLong("prompt_tokens") + r.getLong("completion_tokens"));
        METRICS.put("cost", r -> r.getBigDecimal("cost"));
        METRICS.put("latency_avg_ms", r -> avg(r.getLong("latency_ms_sum"), r.getLong("requests")));
        METRICS.put("latency_p50_ms", r -> pct(r, "latency_hist", 0.50));
        METRICS.put("latency_p90_ms", r -> pct(r, "latency_hist", 0.90));
        METRICS.put("latency_p99_ms", r -> pct(r, "latency_hist", 0.99));
        METRICS.put("ttft_avg_ms", r -> avg(r.getLong("ttft_ms_sum"), r.getLong("ttft_count")));
        METRICS.put("ttft_p50_ms", r -> pct(r, "ttft_hist", 0.50));
        METRICS.put("ttft_p90_ms", r -> pct(r, "ttft_hist", 0.90));
        METRICS.put("ttft_p99_ms", r -> pct(r, "ttft_hist", 0.99));
        METRICS.put("throughput_p50_tps", r -> pct(r, "tps_hist", 0.50));
        METRICS.put("throughput_p90_tps", r -> pct(r, "tps_hist", 0.90));
    }

    private final UsageQueryRepository usage;
    private final MeteringConfig config;

    public TimeseriesService(UsageQueryRepository usage, MeteringConfig config) {
        this.usage = usage;
        this.config = config;
    }

    public Uni<Map<String, Object>> query(Caller caller, String granularity, String from, String to, String groupBy,
            String metrics) {
        String g = granularity == null || granularity.isBlank() ? "hour" : granularity.trim().toLowerCase();
        if (!STEP.containsKey(g)) {
            throw GatewayException.badRequest("'granularity' must be one of minute, hour, day");
        }
        String group = groupBy == null || groupBy.isBlank() ? null : groupBy.trim().toLowerCase();
        if (group != null && !UsageQueryRepository.GROUP_COLUMNS.containsKey(group)) {
            throw GatewayException.badRequest("'group_by' must be one of model, provider, key, endpoint, user, app");
        }
        List<String> wanted = metrics == null || metrics.isBlank() ? DEFAULT_METRICS
                : Arrays.stream(metrics.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        for (String m : wanted) {
            if (!METRICS.containsKey(m)) {
                throw GatewayException.badRequest("Unknown metric '" + m + "'; known: " + String.join(", ",
                        METRICS.keySet()));
            }
        }
        long step = STEP.get(g);
        Instant end = to == null || to.isBlank() ? Instant.now() : instant("to", to);
        Instant start = from == null || from.isBlank() ? end.minus(DEFAULT_RANGE.get(g)) : instant("from", from);
        if (!start.isBefore(end)) {
            throw GatewayException.badRequest("'from' must be before 'to'");
        }
        long fromEpoch = Math.floorDiv(start.getEpochSecond(), step) * step;
        long toEpoch = Math.floorDiv(end.getEpochSecond() + step - 1, step) * step; // the bucket holding 'to' is in
        long cap = maxRange(g).toSeconds();
        boolean capped = toEpoch - fromEpoch > cap;
        if (capped) {
            fromEpoch = toEpoch - cap;
        }
        long f = fromEpoch;
        long t = toEpoch;
        return usage.series(g, group, caller.accountId(), f, t).map(rows -> {
            Map<String, List<Map<String, Object>>> series = new LinkedHashMap<>();
            for (Row r : rows) {
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("t", Instant.ofEpochSecond(r.getLong("t")).toString());
                for (String m : wanted) {
                    point.put(m, METRICS.get(m).apply(r));
                }
                series.computeIfAbsent(r.getString("grp"), x -> new ArrayList<>()).add(point);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            series.forEach((name, points) -> {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("group", group == null ? "all" : name);
                s.put("points", points);
                out.add(s);
            });
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("granularity", g);
            data.put("from", Instant.ofEpochSecond(f).toString());
            data.put("to", Instant.ofEpochSecond(t).toString());
            data.put("group_by", group);
            data.put("metrics", wanted);
            data.put("capped", capped);
            data.put("max_range_seconds", cap);
            data.put("series", out);
            return Map.of("data", data);
        });
    }

    private Duration maxRange(String g) {
        return switch (g) {
            case "minute" -> config.query().maxMinuteRange();
            case "hour" -> config.query().maxHourRange();
            default -> config.query().maxDayRange();
        };
    }

    /** ISO-8601 instant (2026-11-24T10:00:00Z) or unix seconds. */
    static Instant instant(String name, String value) {
        String v = value.trim();
        try {
            if (v.matches("\\d{1,12}")) {
                return Instant.ofEpochSecond(Long.parseLong(v));
            }
            return Instant.parse(v);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw GatewayException.badRequest("'" + name + "' must be an ISO-8601 instant or unix seconds");
        }
    }

    private static Double avg(long sum, long count) {
        return count == 0 ? null : Math.round(sum * 100.0 / count) / 100.0;
    }

    private static Double pct(Row r, String column, double q) {
        Long[] counts = r.getArrayOfLongs(column);
        if (counts == null) {
            return null;
        }
        long[] c = new long[counts.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts[i] == null ? 0 : counts[i];
        }
        return Histogram.percentile(c, q);
    }
}
