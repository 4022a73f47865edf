package io.llmgateway.platform.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A stream entry's CONSUMER span continues the producer's trace from the entry's traceparent. */
class StreamTraceTest {

    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String PARENT = "b7ad6b7169203331";

    private final List<SpanData> ended = new CopyOnWriteArrayList<>();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new SpanExporter() {
                @Override
                public CompletableResultCode export(Collection<SpanData> spans) {
                    ended.addAll(spans);
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode flush() {
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode shutdown() {
                    return CompletableResultCode.ofSuccess();
                }
            })).build();

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void consumerSpanIsAChildOfTheProducerSpan() {
        Span span = StreamTrace.processSpan(provider.get("test"), "gw:usage", "auth", "1-0",
                Map.of("data", "{\"generation_id\":\"gen-1\"}", "traceparent", "00-" + TRACE + "-" + PARENT + "-01"));
        span.end();

        SpanData data = ended.get(0);
        assertEquals("gw:usage process", data.getName());
        assertEquals(SpanKind.CONSUMER, data.getKind());
        assertEquals(TRACE, data.getTraceId());
        assertEquals(PARENT, data.getParentSpanId());
        assertEquals("redis", data.getAttributes().get(StreamTrace.MESSAGING_SYSTEM));
        assertEquals("gw:usage", data.getAttributes().get(StreamTrace.MESSAGING_DESTINATION));
        assertEquals("auth", data.getAttributes().get(StreamTrace.MESSAGING_GROUP));
        assertEquals("1-0", data.getAttributes().get(StreamTrace.MESSAGING_MESSAGE_ID));
        data.getAttributes().forEach((key, value) -> assertFalse(String.valueOf(value).contains("gen-1"),
                "event data leaked into " + key));
    }

    @Test
    void missingOrBrokenTraceparentStartsANewTrace() {
        for (Map<String, String> payload : List.of(Map.<String, String>of(), Map.of("traceparent", ""),
                Map.of("traceparent", "garbage"))) {
            StreamTrace.processSpan(provider.get("test"), "p:gw:usage", "auth", "2-0", payload).end();
        }
        StreamTrace.processSpan(provider.get("test"), "p:gw:usage", "auth", "3-0", null).end();
        assertEquals(4, ended.size());
        for (SpanData data : ended) {
            assertFalse(data.getParentSpanContext().isValid());
            assertNotEquals(TRACE, data.getTraceId());
            assertEquals(SpanKind.CONSUMER, data.getKind());
        }
    }
}
