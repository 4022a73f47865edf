package io.llmgateway.routing.exchange;

import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_SYSTEM;

import io.llmgateway.routing.admission.PendingSettlements;
import io.llmgateway.routing.canonical.CanonicalRequest;
import io.llmgateway.routing.canonical.RequestKind;
import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.selection.Candidate;
import io.llmgateway.routing.selection.MiddleOut;
import io.llmgateway.routing.upstream.EndpointGuards;
import io.llmgateway.routing.upstream.HttpClients;
import io.llmgateway.routing.upstream.UpstreamAttempt;
import io.llmgateway.routing.upstream.protocol.AnthropicAdapter;
import io.llmgateway.routing.upstream.protocol.GeminiAdapter;
import io.llmgateway.routing.upstream.protocol.OpenAiAdapter;
import io.llmgateway.routing.upstream.protocol.ProviderAdapter;
import io.llmgateway.routing.upstream.protocol.ReasoningAsk;
import io.llmgateway.routing.upstream.protocol.ReasoningDetails;
import io.llmgateway.routing.upstream.protocol.UpstreamCall;
import io.llmgateway.routing.usage.RequestMeters;
import io.llmgateway.routing.usage.UsageRecorder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.quarkus.arc.ClientProxy;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * What an {@link Exchange} and its {@link StreamRelay} use, built once: the upstream protocols by
 * catalog {@code adapter} name, the endpoint guards, the HTTP clients, settlement, usage recording
 * and meters, timers and tracing; and how an attempt and the spans are made from them.
 */
public record ExchangeServices(RoutingConfig config, Vertx vertx, Tracer tracer, Map<String, ProviderAdapter> adapters,
        EndpointGuards guards, HttpClients clients, PendingSettlements settlements, UsageRecorder recorder,
        RequestMeters meters) {

    /** One attempt of the request on the candidate, its first-byte wait capped by what time the request has left. */
    public UpstreamAttempt attempt(ProviderAdapter adapter, Candidate c, CanonicalRequest request, long remainingMs,
            Runnable onWritten) {
        String credential = c.provider().credentialRef() == null ? null : System.getenv(c.provider().credentialRef());
        boolean embeddings = request.kind() == RequestKind.EMBEDDINGS;
        UpstreamCall call = embeddings ? adapter.embeddingsRequest(request.body(), c, credential)
                : adapter.withBetas(adapter.request(MiddleOut.fit(request, c), c, request.stream(), credential),
                        request.anthropicBeta());
        long firstByte = request.stream() ? config.upstream().firstByteTimeout().toMillis()
                : config.upstream().responseTimeout().toMillis();
        return new UpstreamAttempt(clients, vertx, adapter, call, embeddings ? adapter::embeddingsResponse
                : ReasoningAsk.of(request.body()).exclude() ? b -> ReasoningDetails.exclude(adapter.response(b))
                : adapter::response, request.stream(),
                Math.min(firstByte, remainingMs), onWritten);
    }

    /** The span of a whole request (OpenTelemetry GenAI semantic conventions). */
    public Span requestSpan(String operation, String requestedModel, Context parent) {
        return tracer.spanBuilder(operation + " " + requestedModel).setSpanKind(SpanKind.INTERNAL)
                .setAttribute(GEN_AI_REQUEST_MODEL, requestedModel).setAttribute(GEN_AI_OPERATION_NAME, operation)
                .setParent(parent).startSpan();
    }

    /** The client span of one attempt. */
    public Span attemptSpan(String operation, Candidate c, Span request) {
        return tracer.spanBuilder(operation + " " + c.endpoint().providerModel()).setSpanKind(SpanKind.CLIENT)
                .setParent(Context.current().with(request)).setAttribute(GEN_AI_SYSTEM, c.providerSlug())
                .setAttribute(GEN_AI_REQUEST_MODEL, c.model().id())
                .setAttribute(GEN_AI_RESPONSE_MODEL, c.endpoint().providerModel()).startSpan();
    }

    /** The protocol an endpoint's provider speaks; null when the catalog names one we do not. */
    public ProviderAdapter adapter(String name) {
        return adapters.get(name == null ? "openai" : name);
    }

    @ApplicationScoped
    static class Producer {

        @Produces
        @Singleton
        ExchangeServices services(RoutingConfig config, Vertx vertx, Tracer tracer, OpenAiAdapter openai,
                AnthropicAdapter anthropic, GeminiAdapter gemini, EndpointGuards guards, HttpClients clients,
                PendingSettlements settlements, UsageRecorder recorder, RequestMeters meters) {
            // the injected Tracer is a client proxy that looks its bean up on every call; the bean is
            // application-wide, so the hot path keeps the instance itself
            return new ExchangeServices(config, vertx, ClientProxy.unwrap(tracer),
                    Map.of(openai.name(), openai, anthropic.name(), anthropic, gemini.name(), gemini), guards, clients,
                    settlements, recorder, meters);
        }
    }
}
