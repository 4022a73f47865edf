package io.llmgateway.platform.stream;

import io.opentelemetry.api.trace.Span;
import java.util.List;

/**
 * One read of a consumer group, in stream order.
 *
 * @param span the batch's CONSUMER span when spans are per batch (current while the handler is called);
 *             the invalid span when each entry has its own
 */
public record StreamBatch(String stream, String group, List<StreamEntry> entries, Span span) {
}
