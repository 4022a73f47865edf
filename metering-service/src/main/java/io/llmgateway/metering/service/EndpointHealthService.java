package io.llmgateway.metering.service;

import io.llmgateway.contracts.internal.EndpointHealth;
import io.llmgateway.metering.config.MeteringConfig;
import io.llmgateway.metering.persistence.UsageQueryRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Per-endpoint health from the minute buckets: uptime = success / (success + errors) in percent with
 * 429s and client cancellations left out (neither says the endpoint is broken), TTFT and throughput
 * percentiles over 30 minutes. Cached a few seconds: routing and catalog poll it.
 */
@ApplicationScoped
public class EndpointHealthService {

    private record Snapshot(List<EndpointHealth> health, long expiresAt) {
    }

    private final UsageQueryRepository usage;
    private final long ttlMillis;
    private volatile Snapshot snapshot;

    public EndpointHealthService(UsageQueryRepository usage, MeteringConfig config) {
        this.usage = usage;
        this.ttlMillis = config.health().cacheTtl().toMillis();
    }

    public Uni<List<EndpointHealth>> health() {
        Snapshot s = snapshot;
        if (s != null && s.expiresAt() > System.currentTimeMillis()) {
            return Uni.createFrom().item(s.health());
        }
        return usage.endpointHealth().map(rows -> {
            List<EndpointHealth> list = rows.stream().map(EndpointHealthService::toHealth).toList();
            snapshot = new Snapshot(list, System.currentTimeMillis() + ttlMillis);
            return list;
        });
    }

    static EndpointHealth toHealth(Row r) {
        return new EndpointHealth(r.getString("endpoint_id"),
                uptime(r.getLong("ok5"), r.getLong("err5")),
                uptime(r.getLong("ok30"), r.getLong("err30")),
                uptime(r.getLong("ok1d"), r.getLong("err1d")),
                percentiles(r.getArrayOfLongs("ttft_hist")),
                percentiles(r.getArrayOfLongs("tps_hist")),
                r.getLong("req30") == null ? 0 : r.getLong("req30"));
    }

    static Double uptime(Long ok, Long errors) {
        long s = ok == null ? 0 : ok;
        long e = errors == null ? 0 : errors;
        if (s + e == 0) {
            return null;
        }
        return Math.round(s * 10_000.0 / (s + e)) / 100.0;
    }

    static EndpointHealth.Percentiles percentiles(Long[] counts) {
        if (counts == null) {
            return null;
        }
        long[] c = new long[counts.length];
        long total = 0;
        for (int i = 0; i < c.length; i++) {
            c[i] = counts[i] == null ? 0 : counts[i];
            total += c[i];
        }
        if (total == 0) {
            return null;
        }
        return new EndpointHealth.Percentiles(Histogram.percentile(c, 0.5), Histogram.percentile(c, 0.75),
                Histogram.percentile(c, 0.9), Histogram.percentile(c, 0.99));
    }
}
