package io.llmgateway.platform.stream;

import io.llmgateway.contracts.events.RedisKeys;
import io.opentelemetry.api.trace.Span;
import java.util.Map;

/**
 * One stream entry handed to a {@link StreamBatchHandler}.
 *
 * @param fields     the entry's fields; empty when the entry {@code vanished}
 * @param vanished   the entry was trimmed from the stream while pending (XAUTOCLAIM returned its id only)
 * @param deliveries how often the group delivered it, this time included (1 on the first read)
 * @param span       the span the entry is processed under: its own CONSUMER span, or the batch's
 */
public record StreamEntry(String id, Map<String, String> fields, boolean vanished, int deliveries, Span span) {

    /** The entry's {@link RedisKeys#DATA_FIELD}, null when absent. */
    public String data() {
        return fields.get(RedisKeys.DATA_FIELD);
    }
}
