package io.llmgateway.metering.model;

import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.metering.service.Histogram;
import java.math.BigDecimal;

/** The sums one batch adds to one per-minute time-series row; built in memory, upserted once. */
public final class MinuteBucket {

    public final long minuteEpochSecond;
    public final String accountId;
    public final String keyHash;
    public final String model;
    public final String provider;
    public final String endpointId;
    /** The request's end-user id, '' for none. */
    public final String user;
    /** The app (HTTP-Referer, else X-Title), '' for none. */
    public final String app;
    public long requests;
    public long errors;
    public long rateLimited;
    public long cancelled;
    public long promptTokens;
    public long completionTokens;
    public long reasoningTokens;
    public long cachedTokens;
    public long cacheWriteTokens;
    public BigDecimal cost = BigDecimal.ZERO;
    public long latencyMsSum;
    public long ttftMsSum;
    public long ttftCount;
    public long generationMsSum;
    public final long[] latencyHist = new long[Histogram.BUCKETS];
    public final long[] ttftHist = new long[Histogram.BUCKETS];
    public final long[] tpsHist = new long[Histogram.BUCKETS];

    public MinuteBucket(long minuteEpochSecond, String accountId, String keyHash, String model, String provider,
            String endpointId, String user, String app) {
        this.minuteEpochSecond = minuteEpochSecond;
        this.accountId = accountId;
        this.keyHash = keyHash;
        this.model = model;
        this.provider = provider;
        this.endpointId = endpointId;
        this.user = user;
        this.app = app;
    }

    /** Identity of the row: same order as the table's primary key, also the lock order of upserts. */
    public String key() {
        return minuteEpochSecond + "\u0000" + accountId + "\u0000" + keyHash + "\u0000" + model + "\u0000" + provider
                + "\u0000" + endpointId + "\u0000" + user + "\u0000" + app;
    }

    public void add(UsageEvent e) {
        requests++;
        if (UsageEvent.STATUS_ERROR.equals(e.status())) {
            errors++;
            if (e.httpStatus() == 429) {
                rateLimited++;
            }
        } else if (UsageEvent.STATUS_CANCELLED.equals(e.status())) {
            cancelled++;
        }
        promptTokens += e.promptTokens();
        completionTokens += e.completionTokens();
        reasoningTokens += e.reasoningTokens();
        cachedTokens += e.cachedTokens();
        cacheWriteTokens += e.cacheWriteTokens();
        cost = cost.add(e.cost());
        latencyMsSum += e.latencyMs();
        latencyHist[Histogram.bucketOf(e.latencyMs())]++;
        if (e.ttftMs() != null) {
            ttftMsSum += e.ttftMs();
            ttftCount++;
            ttftHist[Histogram.bucketOf(e.ttftMs())]++;
        }
        generationMsSum += e.generationTimeMs();
        // throughput only means something for a successful answer that produced tokens over measurable time
        if (UsageEvent.STATUS_SUCCESS.equals(e.status()) && e.completionTokens() > 0 && e.generationTimeMs() > 0) {
            tpsHist[Histogram.bucketOf(e.completionTokens() * 1000.0 / e.generationTimeMs())]++;
        }
    }
}
