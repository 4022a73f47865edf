package io.llmgateway.metering.service;

/**
 * Fixed log-scale histogram shared by every bucket row, so histograms of any rows can be summed
 * element-wise (SQL {@code hist_sum}) and percentiles read from the sum. Bucket {@code i} holds values
 * in (2^((i-1)/2), 2^(i/2)]: a factor of sqrt(2) per bucket, so a percentile is exact within about
 * 19% relative error, from 1 up to 2^19.5 (about 740,000; larger values land in the last bucket).
 */
public final class Histogram {

    public static final int BUCKETS = 40;

    private Histogram() {
    }

    public static int bucketOf(double value) {
        if (!(value > 1)) {
            return 0;
        }
        int index = (int) Math.ceil(2 * (Math.log(value) / Math.log(2)) - 1e-9);
        return Math.min(index, BUCKETS - 1);
    }

    /** Upper bound of bucket {@code i}. */
    public static double upperBound(int i) {
        return Math.pow(2, i / 2.0);
    }

    /** Lower bound of bucket {@code i} (0 for the first bucket). */
    public static double lowerBound(int i) {
        return i == 0 ? 0 : Math.pow(2, (i - 1) / 2.0);
    }

    /**
     * The value below which {@code q} (0..1) of the observations fall, interpolated geometrically
     * inside the bucket that holds that rank; null when the histogram is empty.
     */
    public static Double percentile(long[] counts, double q) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return null;
        }
        double rank = q * total;
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == 0) {
                continue;
            }
            if (seen + counts[i] >= rank) {
                double fraction = (rank - seen) / counts[i];
                double lo = Math.max(lowerBound(i), i == 0 ? 0 : 1);
                double hi = upperBound(i);
                double value = i == 0 ? hi * fraction : lo * Math.pow(hi / lo, fraction);
                return Math.round(value * 100) / 100.0;
            }
            seen += counts[i];
        }
        return upperBound(counts.length - 1);
    }

    /** Postgres array literal of the counts, e.g. {0,1,0}: passed as text and cast to bigint[] in SQL. */
    public static String toLiteral(long[] counts) {
        StringBuilder sb = new StringBuilder(counts.length * 2 + 2).append('{');
        for (int i = 0; i < counts.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(counts[i]);
        }
        return sb.append('}').toString();
    }
}
