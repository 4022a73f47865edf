package io.llmgateway.metering.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads stored generations, always within one account. */
@ApplicationScoped
public class GenerationRepository {

    private static final String COLUMNS = """
            generation_id, created_at, account_id, key_hash, requested_model, model, provider, endpoint_id, provider_model,
            upstream_id, attempts::text AS attempts, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens,
            tokens_estimated, cost, cost_micros, latency_ms, ttft_ms, generation_time_ms, streamed, cancelled, status,
            http_status, finish_reason, native_finish_reason, error_message, app_referer, app_title, user_id, session_id,
            cache_write_tokens""";

    private final Pool pool;

    public GenerationRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Optional<Row>> find(String accountId, String generationId) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM generations WHERE generation_id = $1 AND account_id = $2"
                        + " LIMIT 1")
                .execute(Tuple.of(generationId, accountId))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(rows.iterator().next()) : Optional.empty());
    }

    /** Newest first; only the partitions of the last days are scanned thanks to the created_at bound. */
    public Uni<List<Row>> recent(String accountId, int limit, int days) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM generations WHERE account_id = $1"
                        + " AND created_at > now() - make_interval(days => $2) ORDER BY created_at DESC LIMIT $3")
                .execute(Tuple.of(accountId, days, limit))
                .map(rows -> {
                    List<Row> list = new ArrayList<>();
                    rows.forEach(list::add);
                    return list;
                });
    }
}
