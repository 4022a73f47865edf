package io.llmgateway.routing.usage;

import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;
import static io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MESSAGING_DESTINATION_NAME;
import static io.opentelemetry.semconv.incubating.MessagingIncubatingAttributes.MESSAGING_SYSTEM;

import io.llmgateway.contracts.events.UsageAttempt;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.platform.trace.StreamTrace;
import io.llmgateway.routing.canonical.TokenUsage;
import io.llmgateway.routing.selection.Candidate;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.arc.ClientProxy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an ended request leaves behind: its usage event (billing, analytics), the request span's
 * result attributes and the request meters; also the attempts as an error body lists them.
 */
@Singleton
public class UsageRecorder {

    /** Attribute keys are built once: setting an attribute by name builds its key again on every call. */
    private static final AttributeKey<String> GENERATION_ID = AttributeKey.stringKey("gateway.generation_id");

    private final UsagePublisher usage;
    private final RequestMeters meters;
    private final Tracer tracer;

    public UsageRecorder(UsagePublisher usage, RequestMeters meters, Tracer tracer) {
        this.usage = usage;
        this.meters = meters;
        // the injected Tracer is a client proxy that looks its bean up on every call; the bean is
        // application-wide, so the hot path keeps the instance itself
        this.tracer = ClientProxy.unwrap(tracer);
    }

    /**
     * The first half of recording a request's one ending, before its answer's last byte: the usage event, on disk.
     * Only this much stands between the provider's answer and the client's.
     */
    public UsagePublisher.Journaled journal(RequestIdentity id, Ending end, RequestClock clock,
            List<UsageAttempt> attempts, long costMicros, Span span) {
        span.setAttribute(GENERATION_ID, id.generationId());
        return usage.journal(event(id, end, clock, attempts, costMicros, producerSpan(id, span)));
    }

    /** The rest, after the answer: the event to Redis, the span's result, the meters. */
    public void record(UsagePublisher.Journaled event, Ending end, RequestClock clock, Span span) {
        usage.send(event);
        Candidate c = end.served();
        TokenUsage u = end.usage();
        span.setAttribute(GEN_AI_RESPONSE_MODEL, c == null ? "" : c.model().id());
        span.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, u.prompt);
        span.setAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, u.completion);
        if (end.finishReason() != null) {
            span.setAttribute(GEN_AI_RESPONSE_FINISH_REASONS, List.of(end.finishReason()));
        }
        span.end();
        long elapsed = System.nanoTime() - clock.started();
        meters.finished(c == null ? "none" : c.model().id(), c == null ? "none" : c.providerSlug(), end.status(),
                u.prompt, u.completion, end.cost(), elapsed, clock.ttftMs(), elapsed - clock.upstreamNanos());
    }

    /** The usage event, from the request's grouped parts: who, how it ended, when, what it cost. */
    static UsageEvent event(RequestIdentity id, Ending end, RequestClock clock, List<UsageAttempt> attempts,
            long costMicros, String traceparent) {
        Candidate c = end.served();
        TokenUsage u = end.usage();
        long genMs = clock.firstByteNanos() > 0 ? (System.nanoTime() - clock.firstByteNanos()) / 1_000_000 : 0;
        return new UsageEvent(id.generationId(), id.created(), id.key().keyHash(), id.key().accountId(),
                id.requestedModel(), c == null ? null : c.model().id(), c == null ? null : c.providerSlug(),
                c == null ? null : c.endpointId(), c == null ? null : c.endpoint().providerModel(), end.upstreamId(),
                List.copyOf(attempts), u.prompt, u.completion, u.reasoning, u.cached, end.estimated(), end.cost(),
                costMicros, clock.elapsedMs(), clock.ttftMs(), genMs, id.streamed(),
                UsageEvent.STATUS_CANCELLED.equals(end.status()), end.status(), end.httpStatus(), end.finishReason(),
                end.nativeFinishReason(), end.error(), id.appReferer(), id.appTitle(), traceparent, u.cacheWrite,
                id.user(), id.sessionId());
    }

    /** The attempts as an error body reports them to the client. */
    public static List<Map<String, Object>> attemptsMeta(List<UsageAttempt> attempts) {
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
    private String producerSpan(RequestIdentity id, Span parent) {
        Span producer = tracer.spanBuilder("publish " + usage.streamName()).setSpanKind(SpanKind.PRODUCER)
                .setParent(io.opentelemetry.context.Context.current().with(parent))
                .setAttribute(MESSAGING_SYSTEM, "redis").setAttribute(MESSAGING_DESTINATION_NAME, usage.streamName())
                .setAttribute(GENERATION_ID, id.generationId()).startSpan();
        producer.end();
        String traceparent = StreamTrace.traceparent(producer.getSpanContext());
        return traceparent.isEmpty() ? null : traceparent;
    }
}
