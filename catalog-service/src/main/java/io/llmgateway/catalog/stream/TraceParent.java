package io.llmgateway.catalog.stream;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/** W3C traceparent of the current span, so a trace continues across a Redis stream; empty without one. */
final class TraceParent {

    private TraceParent() {
    }

    static String current() {
        SpanContext context = Span.current().getSpanContext();
        if (!context.isValid()) {
            return "";
        }
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
    }
}
