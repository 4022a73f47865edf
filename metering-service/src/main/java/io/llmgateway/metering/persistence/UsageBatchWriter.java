package io.llmgateway.metering.persistence;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.metering.model.MinuteBucket;
import io.llmgateway.metering.service.Histogram;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a batch of usage events in ONE transaction with two statements whatever the batch size:
 * insert the generations (unnest of column arrays, ON CONFLICT DO NOTHING RETURNING the new ids), then
 * add only the new ones to the per-minute buckets (one multi-row upsert, pre-aggregated per bucket)
 * together with the dirty marks of their hours for the rollup (a CTE of the same statement). A
 * redelivered event is a conflict, so it never counts twice.
 */
@ApplicationScoped
public class UsageBatchWriter {

    static final String INSERT_GENERATIONS = """
            INSERT INTO generations (generation_id, created_at, account_id, key_hash, requested_model, model, provider,
                endpoint_id, provider_model, upstream_id, attempts, prompt_tokens, completion_tokens, reasoning_tokens,
                cached_tokens, tokens_estimated, cost, cost_micros, latency_ms, ttft_ms, generation_time_ms, streamed,
                cancelled, status, http_status, finish_reason, native_finish_reason, error_message, app_referer, app_title,
                user_id, session_id, cache_write_tokens)
            SELECT g, to_timestamp(c), a, k, rm, m, p, e, pm, u, at::jsonb, pt, ct, rt, cat, te, co::numeric, cm, l, tt, gt,
                s, ca, st, hs, fr, nfr, em, ar, ati, us, si, cwt
            FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                $9::text[], $10::text[], $11::text[], $12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[],
                $16::boolean[], $17::text[], $18::bigint[], $19::bigint[], $20::bigint[], $21::bigint[], $22::boolean[],
                $23::boolean[], $24::text[], $25::integer[], $26::text[], $27::text[], $28::text[], $29::text[], $30::text[],
                $31::text[], $32::text[], $33::bigint[])
                AS t(g, c, a, k, rm, m, p, e, pm, u, at, pt, ct, rt, cat, te, co, cm, l, tt, gt, s, ca, st, hs, fr, nfr, em, ar, ati,
                us, si, cwt)
            ON CONFLICT (generation_id, created_at) DO NOTHING
            RETURNING generation_id
            """;

    /** $26 are the hours to mark dirty; the CTE runs even though nothing reads it (PostgreSQL semantics). */
    static final String UPSERT_MINUTES = """
            WITH dirty AS (
                INSERT INTO rollup_dirty (hour_start) SELECT DISTINCT to_timestamp(h) FROM unnest($26::bigint[]) AS d(h)
                ON CONFLICT DO NOTHING)
            INSERT INTO usage_minute AS u (bucket_start, account_id, key_hash, model, provider, endpoint_id, user_id, app,
                requests, errors, rate_limited, cancelled, prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens,
                cost, latency_ms_sum, ttft_ms_sum, ttft_count, generation_ms_sum, latency_hist, ttft_hist, tps_hist,
                cache_write_tokens)
            SELECT to_timestamp(b), a, k, m, p, e, us, ap, r, er, rl, ca, pt, ct, rt, cat, co::numeric, ls, ts, tc, gs,
                lh::bigint[], th::bigint[], ph::bigint[], cwt
            FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[],
                $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::text[],
                $16::bigint[], $17::bigint[], $18::bigint[], $19::bigint[], $20::text[], $21::text[], $22::text[],
                $23::text[], $24::text[], $25::bigint[])
                AS t(b, a, k, m, p, e, r, er, rl, ca, pt, ct, rt, cat, co, ls, ts, tc, gs, lh, th, ph, us, ap, cwt)
            ON CONFLICT (bucket_start, account_id, key_hash, model, provider, endpoint_id, user_id, app) DO UPDATE SET
                requests = u.requests + excluded.requests,
                errors = u.errors + excluded.errors,
                rate_limited = u.rate_limited + excluded.rate_limited,
                cancelled = u.cancelled + excluded.cancelled,
                prompt_tokens = u.prompt_tokens + excluded.prompt_tokens,
                completion_tokens = u.completion_tokens + excluded.completion_tokens,
                reasoning_tokens = u.reasoning_tokens + excluded.reasoning_tokens,
                cached_tokens = u.cached_tokens + excluded.cached_tokens,
                cache_write_tokens = u.cache_write_tokens + excluded.cache_write_tokens,
                cost = u.cost + excluded.cost,
                latency_ms_sum = u.latency_ms_sum + excluded.latency_ms_sum,
                ttft_ms_sum = u.ttft_ms_sum + excluded.ttft_ms_sum,
                ttft_count = u.ttft_count + excluded.ttft_count,
                generation_ms_sum = u.generation_ms_sum + excluded.generation_ms_sum,
                latency_hist = hist_add(u.latency_hist, excluded.latency_hist),
                ttft_hist = hist_add(u.ttft_hist, excluded.ttft_hist),
                tps_hist = hist_add(u.tps_hist, excluded.tps_hist)
            """;

    private final Pool pool;
    private final ObjectMapper mapper;
    private final PartitionMaintenance partitions;

    public UsageBatchWriter(Pool pool, ObjectMapper mapper, PartitionMaintenance partitions) {
        this.pool = pool;
        this.mapper = mapper;
        this.partitions = partitions;
    }

    /** Writes the batch; the answer is how many generations were new (the rest were duplicates). */
    public Uni<Integer> write(List<UsageEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Set<Long> days = new HashSet<>();
        for (UsageEvent e : events) {
            days.add(Math.floorDiv(e.createdAt(), 86_400L));
        }
        // sorted by generation id: two transactions inserting the same ids (a redelivery racing its original)
        // then wait on each other in the same order instead of deadlocking
        List<UsageEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparing(UsageEvent::generationId));
        // the column arrays are built here, on the caller's (consumer) thread, not on the event loop
        Tuple generations = generationColumns(sorted);
        return partitions.ensureDays(days)
                .chain(() -> pool.withTransaction(conn -> insertGenerations(conn, generations)
                        .chain(inserted -> {
                            int count = inserted.size(); // before addToBuckets, which empties the set
                            return addToBuckets(conn, sorted, inserted).replaceWith(count);
                        })));
    }

    private Uni<Set<String>> insertGenerations(SqlConnection conn, Tuple columns) {
        return conn.preparedQuery(INSERT_GENERATIONS).execute(columns).map(rows -> {
            Set<String> ids = new HashSet<>(rows.size() * 2);
            for (Row row : rows) {
                ids.add(row.getString(0));
            }
            return ids;
        });
    }

    private Tuple generationColumns(List<UsageEvent> events) {
        int n = events.size();
        String[] g = new String[n], a = new String[n], k = new String[n], rm = new String[n], m = new String[n],
                p = new String[n], e = new String[n], pm = new String[n], u = new String[n], at = new String[n],
                co = new String[n], st = new String[n], fr = new String[n], nfr = new String[n], em = new String[n],
                ar = new String[n], ati = new String[n], us = new String[n], si = new String[n];
        Long[] c = new Long[n], pt = new Long[n], ct = new Long[n], rt = new Long[n], cat = new Long[n], cm = new Long[n],
                l = new Long[n], tt = new Long[n], gt = new Long[n], cwt = new Long[n];
        Boolean[] te = new Boolean[n], s = new Boolean[n], ca = new Boolean[n];
        Integer[] hs = new Integer[n];
        for (int i = 0; i < n; i++) {
            UsageEvent ev = events.get(i);
            g[i] = ev.generationId();
            c[i] = ev.createdAt();
            a[i] = ev.accountId();
            k[i] = ev.keyHash();
            rm[i] = ev.requestedModel();
            m[i] = modelOf(ev);
            p[i] = ev.provider();
            e[i] = ev.endpointId();
            pm[i] = ev.providerModel();
            u[i] = ev.upstreamId();
            at[i] = attemptsJson(ev);
            pt[i] = ev.promptTokens();
            ct[i] = ev.completionTokens();
            rt[i] = ev.reasoningTokens();
            cat[i] = ev.cachedTokens();
            te[i] = ev.tokensEstimated();
            co[i] = ev.cost().toPlainString();
            cm[i] = ev.costMicros();
            l[i] = ev.latencyMs();
            tt[i] = ev.ttftMs();
            gt[i] = ev.generationTimeMs();
            s[i] = ev.streamed();
            ca[i] = ev.cancelled();
            st[i] = ev.status();
            hs[i] = ev.httpStatus();
            fr[i] = ev.finishReason();
            nfr[i] = ev.nativeFinishReason();
            em[i] = ev.errorMessage();
            ar[i] = ev.appReferer();
            ati[i] = ev.appTitle();
            us[i] = ev.user();
            si[i] = ev.sessionId();
            cwt[i] = ev.cacheWriteTokens();
        }
        Object[] params = {g, c, a, k, rm, m, p, e, pm, u, at, pt, ct, rt, cat, te, co, cm, l, tt, gt, s, ca, st, hs, fr,
                nfr, em, ar, ati, us, si, cwt};
        return Tuple.from(Arrays.asList(params));
    }

    private Uni<Void> addToBuckets(SqlConnection conn, List<UsageEvent> events, Set<String> inserted) {
        if (inserted.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // sorted by primary key: concurrent workers then lock shared rows in the same order (no deadlock)
        Map<String, MinuteBucket> buckets = new TreeMap<>();
        Set<Long> hours = new HashSet<>();
        for (UsageEvent ev : events) {
            if (!inserted.remove(ev.generationId())) {
                continue; // duplicate of a stored generation, or a repeat inside this same batch
            }
            long minute = Math.floorDiv(ev.createdAt(), 60L) * 60L;
            hours.add(Math.floorDiv(ev.createdAt(), 3600L) * 3600L);
            MinuteBucket probe = new MinuteBucket(minute, ev.accountId(), ev.keyHash(), modelOf(ev), orEmpty(ev.provider()),
                    orEmpty(ev.endpointId()), orEmpty(ev.user()), appOf(ev));
            buckets.computeIfAbsent(probe.key(), x -> probe).add(ev);
        }
        Collection<MinuteBucket> rows = buckets.values();
        int n = rows.size();
        Long[] b = new Long[n], r = new Long[n], er = new Long[n], rl = new Long[n], ca = new Long[n], pt = new Long[n],
                ct = new Long[n], rt = new Long[n], cat = new Long[n], ls = new Long[n], ts = new Long[n], tc = new Long[n],
                gs = new Long[n], cwt = new Long[n];
        String[] a = new String[n], k = new String[n], m = new String[n], p = new String[n], e = new String[n],
                co = new String[n], lh = new String[n], th = new String[n], ph = new String[n], us = new String[n],
                ap = new String[n];
        int i = 0;
        for (MinuteBucket x : rows) {
            b[i] = x.minuteEpochSecond;
            a[i] = x.accountId;
            k[i] = x.keyHash;
            m[i] = x.model;
            p[i] = x.provider;
            e[i] = x.endpointId;
            r[i] = x.requests;
            er[i] = x.errors;
            rl[i] = x.rateLimited;
            ca[i] = x.cancelled;
            pt[i] = x.promptTokens;
            ct[i] = x.completionTokens;
            rt[i] = x.reasoningTokens;
            cat[i] = x.cachedTokens;
            co[i] = x.cost.toPlainString();
            ls[i] = x.latencyMsSum;
            ts[i] = x.ttftMsSum;
            tc[i] = x.ttftCount;
            gs[i] = x.generationMsSum;
            lh[i] = Histogram.toLiteral(x.latencyHist);
            th[i] = Histogram.toLiteral(x.ttftHist);
            ph[i] = Histogram.toLiteral(x.tpsHist);
            us[i] = x.user;
            ap[i] = x.app;
            cwt[i] = x.cacheWriteTokens;
            i++;
        }
        Object[] params = {b, a, k, m, p, e, r, er, rl, ca, pt, ct, rt, cat, co, ls, ts, tc, gs, lh, th, ph, us, ap, cwt,
                hours.toArray(new Long[0])};
        return conn.preparedQuery(UPSERT_MINUTES).execute(Tuple.from(Arrays.asList(params))).replaceWithVoid();
    }

    /** A request that failed before any model was chosen is counted under the model it asked for. */
    public static String modelOf(UsageEvent e) {
        return e.model() != null && !e.model().isBlank() ? e.model() : e.requestedModel();
    }

    /** The app a request came from, for the time-series: its HTTP-Referer, else its X-Title; '' for none. */
    public static String appOf(UsageEvent e) {
        return e.appReferer() != null && !e.appReferer().isBlank() ? e.appReferer() : orEmpty(e.appTitle());
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private String attemptsJson(UsageEvent e) {
        if (e.attempts() == null) {
            return null;
        }
        try {
            return mapper.writeValueAsString(e.attempts());
        } catch (Exception ex) {
            return null;
        }
    }
}
