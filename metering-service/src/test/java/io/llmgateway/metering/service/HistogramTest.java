package io.llmgateway.metering.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HistogramTest {

    @Test
    void bucketsAreLogScaleWithSqrtTwoSteps() {
        assertEquals(0, Histogram.bucketOf(0));
        assertEquals(0, Histogram.bucketOf(1));
        assertEquals(2, Histogram.bucketOf(2));
        assertEquals(20, Histogram.bucketOf(1024));
        assertEquals(21, Histogram.bucketOf(1025));
        assertEquals(Histogram.BUCKETS - 1, Histogram.bucketOf(1e12));
        for (double v = 1.5; v < 500_000; v *= 1.37) {
            int b = Histogram.bucketOf(v);
            assertTrue(v > Histogram.lowerBound(b) && v <= Histogram.upperBound(b), v + " in bucket " + b);
        }
    }

    @Test
    void percentilesStayWithinTheBucketOfTheTrueValue() {
        long[] counts = new long[Histogram.BUCKETS];
        for (int v = 1; v <= 1000; v++) {
            counts[Histogram.bucketOf(v)]++;
        }
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            double exact = q * 1000;
            double estimate = Histogram.percentile(counts, q);
            assertTrue(Math.abs(estimate - exact) / exact < 0.2, q + ": " + estimate + " vs " + exact);
        }
        assertNull(Histogram.percentile(new long[Histogram.BUCKETS], 0.5));
        assertEquals("{0,1,2}", Histogram.toLiteral(new long[] {0, 1, 2}));
    }
}
