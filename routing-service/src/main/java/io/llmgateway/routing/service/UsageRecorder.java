package io.llmgateway.routing.service;

import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME;
import static io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MESSAGING_SYSTEM;

import io.llmgateway.contracts.events.UsageAttempt;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.routing.model.Candidate;
import io.llmgateway.routing.model.TokenUsage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an ended {@link Exchange} leaves behind: its usage event (billing, analytics), the request
 * span's result attributes and the request meters; also the attempts as an error body lists them.
 * Stateless, reading the exchange's fields, so that recording an exchange costs no object of its own.
 */
final class UsageRecorder {

    /** Attribute keys are built once: setting an attribute by name builds its key again on every call. */
    private static final AttributeKey<String> GENERATION_ID = AttributeKey.stringKey("gateway.generation_id");

    private UsageRecorder() {
    }

    /** Records the exchange's one ending; {@code c} is null when no provider answered. */
    static void record(Exchange x, Candidate c, TokenUsage u, boolean estimated, BigDecimal cost, long costMicros,
            String status, int httpStatus, String finish, String nativeFinish, String error, String upstream) {
        long latencyMs = (System.nanoTime() - x.started) / 1_000_000;
        long genMs = x.firstByteNanos > 0 ? (System.nanoTime() - x.firstByteNanos) / 1_000_000 : 0;
        UsageEvent event = new UsageEvent(x.generationId, x.created, x.key.keyHash(), x.key.accountId(),
                x.request.models().get(0), c == null ? null : c.model().id(), c == null ? null : c.providerSlug(),
                c == null ? null : c.endpointId(), c == null ? null : c.endpoint().providerModel(), upstream,
                List.copyOf(x.attempts), u.prompt, u.completion, u.reasoning, u.cached, estimated, cost, costMicros,
                latencyMs, x.ttftMs, genMs, x.request.stream(), UsageEvent.STATUS_CANCELLED.equals(status), status,
                httpStatus, finish, nativeFinish, error, x.ctx.request().getHeader("HTTP-Referer"),
                x.ctx.request().getHeader("X-Title"), producerSpan(x));
        x.svc.usage.publish(event);
        Span span = x.span;
        span.setAttribute(GEN_AI_RESPONSE_MODEL, c == null ? "" : c.model().id());
        span.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, u.prompt);
        span.setAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, u.completion);
        if (finish != null) {
            span.setAttribute(GEN_AI_RESPONSE_FINISH_REASONS, List.of(finish));
        }
        span.setAttribute(GENERATION_ID, x.generationId);
        span.end();
        String model = c == null ? "none" : c.model().id();
        String provider = c == null ? "none" : c.providerSlug();
        long elapsed = System.nanoTime() - x.started;
        x.svc.meters.finished(model, provider, status, u.prompt, u.completion, cost, elapsed, x.ttftMs,
                elapsed - x.upstreamNanos);
    }

    /** The attempts as an error body reports them to the client. */
    static List<Map<String, Object>> attemptsMeta(List<UsageAttempt> attempts) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (UsageAttempt a : attempts) {
            Map<String, Object> m = new HashMap<>();
            m.put("provider", a.provider());
            m.put("endpoint_id", a.endpointId());
            m.put("model", a.model());
            m.put("status", a.status());
            m.put("outcome", a.outcome());
            if (a.error() != null) {
                m.put("error", a.error());
            }
            list.add(m);
        }
        return list;
    }

    /** The usage event's producer span (ended at once: the XADD itself is batched in the background). */
    private static String producerSpan(Exchange x) {
        Span producer = x.svc.tracer.spanBuilder("publish " + x.svc.usage.streamName()).setSpanKind(SpanKind.PRODUCER)
                .setParent(io.opentelemetry.context.Context.current().with(x.span))
                .setAttribute(MESSAGING_SYSTEM, "redis").setAttribute(MESSAGING_DESTINATION_NAME, x.svc.usage.streamName())
                .setAttribute(GENERATION_ID, x.generationId).startSpan();
        producer.end();
        SpanContext sc = producer.getSpanContext();
        return sc.isValid() ? "00-" + sc.getTraceId() + "-" + sc.getSpanId() + "-" + sc.getTraceFlags().asHex() : null;
    }
}
