package io.llmgateway.metering.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Hour and day rollups. Hours marked dirty by ingest are recomputed from the minute table (never from
 * raw generations), then their days from the hour table; each recompute replaces the row, so running it
 * twice is harmless. Claiming the dirty marks and recomputing happen in one transaction: an ingest that
 * commits later marks the hour again.
 */
@ApplicationScoped
public class RollupRepository {

    private static final String SUMS = """
            sum(requests), sum(errors), sum(rate_limited), sum(cancelled), sum(prompt_tokens), sum(completion_tokens),
            sum(reasoning_tokens), sum(cached_tokens), sum(cost), sum(latency_ms_sum), sum(ttft_ms_sum), sum(ttft_count),
            sum(generation_ms_sum), hist_sum(latency_hist), hist_sum(ttft_hist), hist_sum(tps_hist), sum(cache_write_tokens)""";

    private static final String COLUMNS = """
            (bucket_start, account_id, key_hash, model, provider, endpoint_id, user_id, app, requests, errors, rate_limited,
            cancelled,
            prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, cost, latency_ms_sum, ttft_ms_sum,
            ttft_count, generation_ms_sum, latency_hist, ttft_hist, tps_hist, cache_write_tokens)""";

    private static final String REPLACE = """
            ON CONFLICT (bucket_start, account_id, key_hash, model, provider, endpoint_id, user_id, app) DO UPDATE SET
            requests = excluded.requests, errors = excluded.errors, rate_limited = excluded.rate_limited,
            cancelled = excluded.cancelled, prompt_tokens = excluded.prompt_tokens,
            completion_tokens = excluded.completion_tokens, reasoning_tokens = excluded.reasoning_tokens,
            cached_tokens = excluded.cached_tokens, cost = excluded.cost, latency_ms_sum = excluded.latency_ms_sum,
            ttft_ms_sum = excluded.ttft_ms_sum, ttft_count = excluded.ttft_count,
            generation_ms_sum = excluded.generation_ms_sum, latency_hist = excluded.latency_hist,
            ttft_hist = excluded.ttft_hist, tps_hist = excluded.tps_hist,
            cache_write_tokens = excluded.cache_write_tokens""";

    static final String ROLL_HOURS = "INSERT INTO usage_hour " + COLUMNS
            + " SELECT date_trunc('hour', bucket_start, 'UTC') AS h, account_id, key_hash, model, provider, endpoint_id, user_id, app, "
            + SUMS + " FROM usage_minute WHERE bucket_start >= to_timestamp($1::bigint) AND bucket_start < to_timestamp($2::bigint)"
            + " AND date_trunc('hour', bucket_start, 'UTC') = ANY(SELECT to_timestamp(x) FROM unnest($3::bigint[]) x)"
            + " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 " + REPLACE;

    static final String ROLL_DAYS = "INSERT INTO usage_day " + COLUMNS
            + " SELECT date_trunc('day', bucket_start, 'UTC') AS d, account_id, key_hash, model, provider, endpoint_id, user_id, app, "
            + SUMS + " FROM usage_hour WHERE bucket_start >= to_timestamp($1::bigint) AND bucket_start < to_timestamp($2::bigint)"
            + " AND date_trunc('day', bucket_start, 'UTC') = ANY(SELECT to_timestamp(x) FROM unnest($3::bigint[]) x)"
            + " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 " + REPLACE;

    private final Pool pool;

    public RollupRepository(Pool pool) {
        this.pool = pool;
    }

    /** Rolls every dirty hour and its day; answers the number of hours rolled. */
    public Uni<Integer> rollDirty() {
        // An ingest transaction whose hour is already marked adds nothing to rollup_dirty (ON CONFLICT DO
        // NOTHING) and takes no row lock; if we claimed that mark and summed the minutes before it committed,
        // its events would be missing from the hour until the hour is marked again. The table lock waits for
        // every ingest transaction that has marked (so its minutes are visible to the statements below) and
        // holds back new marks until we commit (they then stay dirty for the next run). Ingest pauses for the
        // length of one rollup every rollup-interval; plain reads are not blocked.
        return pool.withTransaction(conn -> conn.query("LOCK TABLE rollup_dirty IN EXCLUSIVE MODE").execute()
                .chain(() -> conn.query("DELETE FROM rollup_dirty RETURNING extract(epoch FROM hour_start)::bigint")
                        .execute())
                .chain(rows -> {
                    List<Long> hours = new ArrayList<>();
                    for (Row row : rows) {
                        hours.add(row.getLong(0));
                    }
                    if (hours.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    List<Long> days = hours.stream().map(h -> Math.floorDiv(h, 86_400L) * 86_400L).distinct().toList();
                    long minHour = hours.stream().min(Long::compare).orElseThrow();
                    long maxHour = hours.stream().max(Long::compare).orElseThrow() + 3600;
                    long minDay = days.stream().min(Long::compare).orElseThrow();
                    long maxDay = days.stream().max(Long::compare).orElseThrow() + 86_400;
                    return conn.preparedQuery(ROLL_HOURS)
                            .execute(Tuple.of(minHour, maxHour, hours.toArray(new Long[0])))
                            .chain(() -> conn.preparedQuery(ROLL_DAYS)
                                    .execute(Tuple.of(minDay, maxDay, days.toArray(new Long[0]))))
                            .replaceWith(hours.size());
                }));
    }
}
