package io.llmgateway.metering.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Read side of the time-series tables. Table and column names come from fixed maps, never from input. */
@ApplicationScoped
public class UsageQueryRepository {

    public static final Map<String, String> TABLES = Map.of("minute", "usage_minute", "hour", "usage_hour",
            "day", "usage_day");
    public static final Map<String, String> GROUP_COLUMNS = Map.of("model", "model", "provider", "provider",
            "key", "key_hash", "endpoint", "endpoint_id", "user", "user_id", "app", "app");

    private static final String SUMS = """
            sum(requests)::bigint AS requests, sum(errors)::bigint AS errors, sum(rate_limited)::bigint AS rate_limited,
            sum(cancelled)::bigint AS cancelled, sum(prompt_tokens)::bigint AS prompt_tokens,
            sum(completion_tokens)::bigint AS completion_tokens, sum(reasoning_tokens)::bigint AS reasoning_tokens,
            sum(cached_tokens)::bigint AS cached_tokens,
            sum(cache_write_tokens)::bigint AS cache_write_tokens, sum(cost) AS cost, sum(latency_ms_sum)::bigint AS latency_ms_sum,
            sum(ttft_ms_sum)::bigint AS ttft_ms_sum, sum(ttft_count)::bigint AS ttft_count,
            hist_sum(latency_hist) AS latency_hist, hist_sum(ttft_hist) AS ttft_hist, hist_sum(tps_hist) AS tps_hist""";

    private final Pool pool;

    public UsageQueryRepository(Pool pool) {
        this.pool = pool;
    }

    /** Rows of (t epoch seconds, grp, sums...) ordered by time then group. */
    public Uni<List<Row>> series(String granularity, String groupBy, String accountId, long fromEpoch, long toEpoch) {
        String table = TABLES.get(granularity);
        String group = groupBy == null ? "''" : GROUP_COLUMNS.get(groupBy);
        String sql = "SELECT extract(epoch FROM bucket_start)::bigint AS t, " + group + " AS grp, " + SUMS
                + " FROM " + table + " WHERE account_id = $1 AND bucket_start >= to_timestamp($2::bigint)"
                + " AND bucket_start < to_timestamp($3::bigint) GROUP BY 1, 2 ORDER BY 1, 2";
        return list(pool.preparedQuery(sql).execute(Tuple.of(accountId, fromEpoch, toEpoch)));
    }

    /** Activity rows: per UTC day, model, endpoint and provider, from the day rollup. */
    public Uni<List<Row>> activity(String accountId, long fromEpoch, long toEpoch, String keyHash) {
        String sql = "SELECT to_char(bucket_start AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS date, model, endpoint_id, provider,"
                + " sum(cost) AS cost, sum(requests)::bigint AS requests, sum(prompt_tokens)::bigint AS prompt_tokens,"
                + " sum(completion_tokens)::bigint AS completion_tokens, sum(reasoning_tokens)::bigint AS reasoning_tokens,"
                + " sum(cached_tokens)::bigint AS cached_tokens, sum(cache_write_tokens)::bigint AS cache_write_tokens"
                + " FROM usage_day WHERE account_id = $1 AND bucket_start >= to_timestamp($2::bigint)"
                + " AND bucket_start < to_timestamp($3::bigint) AND ($4::text IS NULL OR key_hash = $4)"
                + " GROUP BY 1, 2, 3, 4 ORDER BY 1 DESC, 2, 3";
        return list(pool.preparedQuery(sql).execute(Tuple.of(accountId, fromEpoch, toEpoch, keyHash)));
    }

    /** Per-endpoint counters over the last day, with 5m/30m/1d windows, from the minute table. */
    public Uni<List<Row>> endpointHealth() {
        String sql = """
                SELECT endpoint_id,
                  sum(requests - errors - cancelled) FILTER (WHERE bucket_start >= now() - interval '5 minutes') AS ok5,
                  sum(errors - rate_limited) FILTER (WHERE bucket_start >= now() - interval '5 minutes') AS err5,
                  sum(requests - errors - cancelled) FILTER (WHERE bucket_start >= now() - interval '30 minutes') AS ok30,
                  sum(errors - rate_limited) FILTER (WHERE bucket_start >= now() - interval '30 minutes') AS err30,
                  sum(requests - errors - cancelled) AS ok1d,
                  sum(errors - rate_limited) AS err1d,
                  sum(requests) FILTER (WHERE bucket_start >= now() - interval '30 minutes') AS req30,
                  hist_sum(ttft_hist) FILTER (WHERE bucket_start >= now() - interval '30 minutes') AS ttft_hist,
                  hist_sum(tps_hist) FILTER (WHERE bucket_start >= now() - interval '30 minutes') AS tps_hist
                FROM usage_minute
                WHERE bucket_start >= now() - interval '1 day' AND endpoint_id <> ''
                GROUP BY endpoint_id ORDER BY endpoint_id
                """;
        return list(pool.query(sql).execute());
    }

    private static Uni<List<Row>> list(Uni<io.vertx.mutiny.sqlclient.RowSet<Row>> rows) {
        return rows.map(set -> {
            List<Row> out = new ArrayList<>();
            set.forEach(out::add);
            return out;
        });
    }
}
