package io.llmgateway.platform.stream;

import java.time.Duration;
import java.util.List;

/**
 * How one consumer group reads one stream, built once by the service from its own configuration keys.
 *
 * @param streams          the partitions of one logical stream (one name when it is not partitioned); the group
 *                         exists on each, and each is read by at least one worker thread
 * @param deadLetterStream where entries that can never be processed go, with their reason
 * @param spans            one CONSUMER span per entry, or one per batch (cheaper for large batches)
 * @param metricPrefix     prefix of the group's meters ({@code <prefix>.dead_letters}, {@code <prefix>.batch},
 *                         {@code <prefix>.reclaimed})
 */
public record StreamGroupSettings(List<String> streams, String group, String deadLetterStream, long deadLetterMaxLen,
        Reading reading, Claiming claiming, Spans spans, String metricPrefix) {

    public StreamGroupSettings {
        streams = List.copyOf(streams);
        if (streams.isEmpty()) {
            throw new IllegalArgumentException("no stream to read");
        }
    }

    public enum Spans { PER_ENTRY, PER_BATCH }

    /**
     * @param batch       most entries per XREADGROUP / XAUTOCLAIM, handed to the handler together
     * @param block       how long one XREADGROUP waits for new entries when nothing is in flight
     * @param linger      after a read that was not full, how long to wait before the next read so it gathers
     *                    what arrives meanwhile; batches that finish meanwhile are acknowledged at once
     * @param workers     threads, each with its own consumer name; with more partitions than workers, one thread
     *                    per partition
     * @param maxInFlight batches one worker may have handed over but not yet acknowledged
     */
    public record Reading(int batch, Duration block, Duration linger, int workers, int maxInFlight) {
    }

    /**
     * @param minIdle       a pending entry idle this long belonged to a dead consumer and is taken over
     * @param interval      how often such entries are looked for
     * @param maxDeliveries deliveries after which an entry that keeps failing (not an outage) is dead-lettered;
     *                      0 never caps
     */
    public record Claiming(Duration minIdle, Duration interval, int maxDeliveries) {
    }
}
