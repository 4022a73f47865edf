package io.llmgateway.platform.trace;

import io.llmgateway.contracts.events.RedisKeys;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * W3C trace context over Redis stream entries, written once for every producer and consumer: the
 * producer puts the {@code traceparent} of its span into the entry's {@link RedisKeys#TRACEPARENT_FIELD},
 * the consumer continues that trace with a CONSUMER span. Spans carry messaging attributes only, never an
 * entry's data (no key secret, no prompt text).
 */
public final class StreamTrace {

    public static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    public static final AttributeKey<String> MESSAGING_DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    public static final AttributeKey<String> MESSAGING_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    public static final AttributeKey<String> MESSAGING_OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    public static final AttributeKey<String> MESSAGING_OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    public static final AttributeKey<String> MESSAGING_MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    public static final AttributeKey<Long> MESSAGING_BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    /** A batch span links at most this many producer spans besides its parent (the SDK drops more anyway). */
    public static final int MAX_LINKS = 64;

    /** Reads W3C headers ({@code traceparent}, {@code tracestate}) from a stream entry's fields; blank is absent. */
    private static final TextMapGetter<Map<String, String>> FIELDS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            if (carrier == null) {
                return null;
            }
            String value = carrier.get(key);
            return value == null || value.isBlank() ? null : value;
        }
    };

    private StreamTrace() {
    }

    /** The W3C traceparent of the current span; empty when there is none. */
    public static String current() {
        return traceparent(Span.current().getSpanContext());
    }

    /** The W3C traceparent of {@code context}; empty when it is not valid. */
    public static String traceparent(SpanContext context) {
        if (!context.isValid()) {
            return "";
        }
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
    }

    /** Puts the current span's traceparent (empty for none: the field is always there) into an entry's fields. */
    public static Map<String, String> inject(Map<String, String> fields) {
        fields.put(RedisKeys.TRACEPARENT_FIELD, current());
        return fields;
    }

    /** The producer's context from an entry's fields: the root context when the traceparent is missing or malformed. */
    public static Context extract(Map<String, String> fields) {
        return W3CTraceContextPropagator.getInstance().extract(Context.root(),
                fields == null ? Map.<String, String>of() : fields, FIELDS);
    }

    /**
     * A CONSUMER span {@code <stream> process} for one entry, continuing the producer's trace from the entry's
     * traceparent (a new trace when it is missing or malformed).
     */
    public static Span processSpan(Tracer tracer, String stream, String group, String messageId,
            Map<String, String> fields) {
        return consumerSpan(tracer, stream, group).setParent(extract(fields))
                .setAttribute(MESSAGING_MESSAGE_ID, messageId)
                .startSpan();
    }

    /**
     * A CONSUMER span {@code <stream> process} for a whole batch: a child of the first producer span (a batch of
     * one is a plain continuation) linking the others, as OpenTelemetry advises for batches.
     */
    public static Span batchProcessSpan(Tracer tracer, String stream, String group, List<Map<String, String>> entries) {
        // only the parent and MAX_LINKS links are kept: parsing every entry's traceparent of a batch of thousands
        // cost metering a few per cent of its CPU for nothing
        List<SpanContext> producers = new ArrayList<>(Math.min(entries.size(), MAX_LINKS + 1));
        for (int i = 0; i < entries.size() && producers.size() <= MAX_LINKS; i++) {
            SpanContext producer = Span.fromContext(extract(entries.get(i))).getSpanContext();
            if (producer.isValid()) {
                producers.add(producer);
            }
        }
        return childOfFirst(consumerSpan(tracer, stream, group), producers)
                .setAttribute(MESSAGING_BATCH_COUNT, (long) entries.size())
                .startSpan();
    }

    /** Makes the first of {@code spans} the parent (none: a new trace) and links up to {@link #MAX_LINKS} others. */
    public static SpanBuilder childOfFirst(SpanBuilder builder, List<SpanContext> spans) {
        if (spans.isEmpty()) {
            return builder.setNoParent();
        }
        builder.setParent(Context.root().with(Span.wrap(spans.get(0))));
        for (int i = 1; i < spans.size() && i <= MAX_LINKS; i++) {
            builder.addLink(spans.get(i));
        }
        return builder;
    }

    /** A span builder with the messaging attributes of a consumer group on a stream. */
    public static SpanBuilder messaging(SpanBuilder builder, String stream, String group) {
        return builder.setAttribute(MESSAGING_SYSTEM, "redis")
                .setAttribute(MESSAGING_DESTINATION, stream)
                .setAttribute(MESSAGING_GROUP, group);
    }

    /** Marks {@code span} failed: the error type (the exception's class, or {@code dead_letter}) and a description. */
    public static void failed(Span span, Throwable cause, String description) {
        span.setAttribute(ERROR_TYPE, cause == null ? "dead_letter" : cause.getClass().getName());
        span.setStatus(StatusCode.ERROR, description);
    }

    private static SpanBuilder consumerSpan(Tracer tracer, String stream, String group) {
        return messaging(tracer.spanBuilder(stream + " process").setSpanKind(SpanKind.CONSUMER), stream, group)
                .setAttribute(MESSAGING_OPERATION_TYPE, "process")
                .setAttribute(MESSAGING_OPERATION_NAME, "process");
    }
}
