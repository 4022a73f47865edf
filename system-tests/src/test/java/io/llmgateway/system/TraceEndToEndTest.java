package io.llmgateway.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.system.support.GatewaySuite;
import io.llmgateway.system.support.OtlpReceiver.ReceivedSpan;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One request is one trace: the client's trace context flows into routing (server span), to the
 * upstream call (client span), onto the usage stream (producer span) and into the metering and auth
 * consumers on the other side of Redis, every span linked to its parent.
 */
class TraceEndToEndTest {

    @Test
    void oneRequestIsOneTraceAcrossServicesAndStreams() throws Exception {
        GatewaySuite suite = GatewaySuite.get();
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        String traceId = HexFormat.of().formatHex(id);
        String clientSpanId = "00f067aa0ba902b7";
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(suite.baseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer " + suite.apiKey())
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + traceId + "-" + clientSpanId + "-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + OpenAiJavaSdkTest.MODEL
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"trace me\"}]}"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());

        List<ReceivedSpan> spans = AccountingEndToEndTest.eventually(() -> {
            List<ReceivedSpan> found = suite.traces().spansOf(traceId);
            Set<String> services = found.stream().map(ReceivedSpan::service).collect(Collectors.toSet());
            return services.containsAll(Set.of("routing-service", "metering-service", "auth-service")) ? found : null;
        }, 20_000, () -> "spans of the trace so far: " + suite.traces().spansOf(traceId));

        Set<String> spanIds = spans.stream().map(ReceivedSpan::spanId).collect(Collectors.toSet());
        for (ReceivedSpan span : spans) {
            assertTrue(span.parentSpanId().equals(clientSpanId) || spanIds.contains(span.parentSpanId()),
                    "every span hangs off the client's span or another span of the trace: " + span + "\n" + spans);
        }
        assertTrue(spans.stream().anyMatch(s -> s.service().equals("routing-service") && s.kind().equals("SPAN_KIND_SERVER")
                && s.parentSpanId().equals(clientSpanId)), "ingress server span is the client's child: " + spans);
        assertTrue(spans.stream().anyMatch(s -> s.service().equals("routing-service") && s.kind().equals("SPAN_KIND_CLIENT")
                && s.attributes().containsKey("gen_ai.request.model")), "upstream client span with GenAI attributes: " + spans);
        assertTrue(spans.stream().anyMatch(s -> s.service().equals("routing-service") && s.kind().equals("SPAN_KIND_PRODUCER")),
                "usage stream producer span: " + spans);
        for (String consumer : List.of("metering-service", "auth-service")) {
            assertTrue(spans.stream().anyMatch(s -> s.service().equals(consumer) && s.kind().equals("SPAN_KIND_CONSUMER")),
                    consumer + " consumer span in the same trace: " + spans);
        }
        assertTrue(spans.stream().noneMatch(s -> s.attributes().values().stream().anyMatch(v -> v.contains("trace me")
                || v.contains("sk-gw-v1-"))), "no prompt text or key in spans");
    }
}
