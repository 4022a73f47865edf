package io.llmgateway.routing.usage;

import java.time.Duration;

/**
 * The times of one request: when it arrived, how long it waited on providers (subtracted to tell
 * the gateway's own overhead), when the first stream byte arrived and when the first token left.
 * Touched only on the request's event loop.
 */
public final class RequestClock {

    private final long started = System.nanoTime();
    private long upstreamNanos;
    private long firstByteNanos;
    private Long ttftMs;

    public long started() {
        return started;
    }

    public long elapsedMs() {
        return (System.nanoTime() - started) / 1_000_000;
    }

    /** What is left of the request's deadline, counted from its start. */
    public long remainingMs(Duration deadline) {
        return deadline.toMillis() - elapsedMs();
    }

    public void waitedUpstream(long nanos) {
        upstreamNanos += nanos;
    }

    public long upstreamNanos() {
        return upstreamNanos;
    }

    public void firstByte(long at) {
        firstByteNanos = at;
    }

    public long firstByteNanos() {
        return firstByteNanos;
    }

    /** Marks the first token sent; later calls keep the first time. */
    public void firstToken() {
        if (ttftMs == null) {
            ttftMs = elapsedMs();
        }
    }

    public Long ttftMs() {
        return ttftMs;
    }

    /** The gateway's own time so far, in milliseconds with three decimals (X-Gateway-Overhead-Ms). */
    public String overhead() {
        long micros = Math.max(0, (System.nanoTime() - started - upstreamNanos) / 1000);
        long frac = micros % 1000;
        return (micros / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }
}
