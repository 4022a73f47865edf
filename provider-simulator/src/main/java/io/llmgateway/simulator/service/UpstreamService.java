package io.llmgateway.simulator.service;

import io.llmgateway.simulator.model.Fault;
import io.llmgateway.simulator.model.ProviderSettings;
import io.llmgateway.simulator.protocol.Completion;
import io.llmgateway.simulator.protocol.EmbeddingProtocol;
import io.llmgateway.simulator.protocol.EmbeddingRequest;
import io.llmgateway.simulator.protocol.ProtocolException;
import io.llmgateway.simulator.protocol.SimRequest;
import io.llmgateway.simulator.protocol.WireProtocol;
import io.llmgateway.simulator.service.ProviderState.CacheUse;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Answers one upstream call as the named provider would, with that provider's settings and faults.
 * Runs on the event loop: the default path (no fault, no delay) is parse, record, count, encode, end.
 */
@jakarta.enterprise.context.ApplicationScoped
public class UpstreamService {

    private final ProviderRegistry registry;
    private final CompletionFactory completions;
    private final Vertx vertx;

    public UpstreamService(ProviderRegistry registry, CompletionFactory completions, Vertx vertx) {
        this.registry = registry;
        this.completions = completions;
        this.vertx = vertx;
    }

    /** Where a call came from: provider slug and what the URL says (Gemini puts model and streaming there). */
    public record Call(String provider, WireProtocol protocol, String pathModel, boolean pathStream, boolean legacy) {
    }

    /**
     * An embeddings call: provider slug, the endpoint's protocol, the provider's chat protocol (its error shape)
     * and the model the URL names (Gemini).
     */
    public record EmbeddingCall(String provider, EmbeddingProtocol protocol, WireProtocol errors, String pathModel,
            boolean batch) {
    }

    /** A parsed call that passed the fault checks and is to be answered. */
    private record Admitted<T>(T request, ProviderState state, ProviderSettings settings, Fault fault) {
    }

    public void handle(RoutingContext rc, Call call) {
        Admitted<SimRequest> admitted = admit(rc, call.provider(), call.protocol(), call.pathModel(),
                body -> call.protocol().parse(body, call.pathModel(), call.pathStream(), call.legacy()),
                SimRequest::model, SimRequest::stream);
        if (admitted == null) {
            return;
        }
        SimRequest request = admitted.request();
        ProviderSettings settings = admitted.settings();
        CacheUse cache = admitted.state().cache(request.cachePrefixes(), request.explicitCache(),
                settings.implicitCacheMinTokens());
        Completion completion = completions.create(request, settings, cache);
        long firstDelay = firstDelay(admitted);
        if (request.stream()) {
            new StreamPlayer(vertx, rc.response(), call.protocol().events(request, completion), admitted.fault(),
                    firstDelay, settings.tokensPerSecond()).start();
            return;
        }
        String body = call.protocol().body(request, completion);
        long delay = firstDelay + (settings.tokensPerSecond() > 0
                ? (long) (completion.outputTokens() * 1000 / settings.tokensPerSecond())
                : 0);
        sendJsonAfter(rc.response(), body, admitted.fault(), delay);
    }

    /** Embeddings answer as one JSON body after ttft_ms; every fault applies as to a JSON chat answer. */
    public void handleEmbeddings(RoutingContext rc, EmbeddingCall call) {
        Admitted<EmbeddingRequest> admitted = admit(rc, call.provider(), call.errors(), call.pathModel(),
                body -> call.protocol().parse(body, call.pathModel(), call.batch()), EmbeddingRequest::model,
                r -> false);
        if (admitted == null) {
            return;
        }
        EmbeddingRequest request = admitted.request();
        String body = call.protocol().body(request, EmbeddingVectors.of(request), admitted.settings().omitUsage());
        sendJsonAfter(rc.response(), body, admitted.fault(), firstDelay(admitted));
    }

    /**
     * Parses and records the call, then applies the faults that answer instead of the model (status, reset,
     * hang). Null when the call has been answered (or deliberately never will be).
     */
    private <T> Admitted<T> admit(RoutingContext rc, String provider, WireProtocol errors, String pathModel,
            Function<JsonObject, T> parser, Function<T, String> model, Predicate<T> stream) {
        long now = System.currentTimeMillis();
        ProviderState state = registry.get(provider);
        ProviderSettings settings = state.settings();
        ReceivedRequest received = ReceivedRequest.of(rc, now);
        HttpServerResponse response = rc.response();
        T request;
        try {
            request = parser.apply(received.requireJson());
        } catch (ProtocolException e) {
            state.record(received.record(pathModel, false, "none", e.status()), false);
            sendError(response, errors, e.status(), e.code(), e.getMessage(), -1);
            return null;
        }
        Fault fault = state.pickFault(now);
        boolean faulted = fault.kind() != Fault.Kind.NONE;
        Integer status = switch (fault.kind()) {
            case RESET, HANG -> null;
            case STATUS -> fault.status();
            default -> 200;
        };
        state.record(received.record(model.apply(request), stream.test(request), fault.text(), status), faulted);
        switch (fault.kind()) {
            case STATUS -> {
                sendError(response, errors, fault.status(), fault.errorCode(), errorMessage(fault),
                        fault.status() == 429 ? settings.fault().retryAfterS() : -1);
                return null;
            }
            case RESET -> {
                rc.request().connection().close(); // before any byte of the answer
                return null;
            }
            case HANG -> {
                return null; // accept and never answer; the connection ends when the client gives up
            }
            default -> {
                return new Admitted<>(request, state, settings, fault);
            }
        }
    }

    private static long firstDelay(Admitted<?> admitted) {
        Fault fault = admitted.fault();
        return admitted.settings().ttftMs() + (fault.kind() == Fault.Kind.SLOW_FIRST_TOKEN ? fault.ms() : 0);
    }

    private void sendJsonAfter(HttpServerResponse response, String body, Fault fault, long delay) {
        if (delay <= 0) {
            sendJson(response, body, fault);
        } else {
            vertx.setTimer(delay, id -> sendJson(response, body, fault));
        }
    }

    private void sendJson(HttpServerResponse response, String body, Fault fault) {
        if (response.closed()) {
            return;
        }
        response.putHeader("content-type", "application/json");
        switch (fault.kind()) {
            case MALFORMED_AT -> response.end(body.substring(0, body.length() / 2));
            case CUT_AFTER -> {
                // Promise the whole body, send half, drop the connection: a premature end of body.
                response.putHeader("content-length", Integer.toString(body.length()));
                response.write(body.substring(0, body.length() / 2)).onComplete(done -> response.close());
            }
            case STALL_AFTER -> {
                response.putHeader("content-length", Integer.toString(body.length()));
                response.write(body.substring(0, body.length() / 2));
                vertx.setTimer(Math.max(1, fault.ms()), id -> response.close());
            }
            default -> response.end(body);
        }
    }

    private static void sendError(HttpServerResponse response, WireProtocol protocol, int status, String code,
            String message, int retryAfterSeconds) {
        response.setStatusCode(status).putHeader("content-type", "application/json");
        if (retryAfterSeconds >= 0) {
            response.putHeader("retry-after", Integer.toString(retryAfterSeconds));
        }
        response.end(protocol.errorBody(status, code, message));
    }

    private static String errorMessage(Fault fault) {
        if (fault.errorCode() == null) {
            return switch (fault.status()) {
                case 429 -> "Rate limit reached (simulated)";
                case 401 -> "Invalid API key (simulated)";
                case 503, 529 -> "The provider is overloaded (simulated)";
                default -> "Simulated upstream error " + fault.status();
            };
        }
        return switch (fault.errorCode()) {
            case "context_length_exceeded" ->
                "This model's maximum context length is exceeded: context_length_exceeded (simulated)";
            case "content_policy_violation" ->
                "The request was rejected by the content policy: content_policy_violation (simulated)";
            default -> "Simulated upstream error " + fault.status() + ": " + fault.errorCode();
        };
    }
}
