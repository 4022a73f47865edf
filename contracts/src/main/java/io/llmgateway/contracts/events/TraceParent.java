package io.llmgateway.contracts.events;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * The W3C traceparent of the current span, written into the {@link RedisKeys#TRACEPARENT_FIELD} of a
 * stream entry so the trace continues on the consumer's side; empty when there is no span.
 */
public final class TraceParent {

    private TraceParent() {
    }

    public static String current() {
        SpanContext context = Span.current().getSpanContext();
        if (!context.isValid()) {
            return "";
        }
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
    }
}
