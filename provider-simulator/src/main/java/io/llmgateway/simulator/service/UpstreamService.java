package io.llmgateway.simulator.service;

import io.llmgateway.simulator.model.Fault;
import io.llmgateway.simulator.model.ProviderSettings;
import io.llmgateway.simulator.model.RequestRecord;
import io.llmgateway.simulator.protocol.Completion;
import io.llmgateway.simulator.protocol.ProtocolException;
import io.llmgateway.simulator.protocol.SimRequest;
import io.llmgateway.simulator.protocol.WireProtocol;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers one upstream call as the named provider would, with that provider's settings and faults.
 * Runs on the event loop: the default path (no fault, no delay) is parse, count, encode, end.
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

    public void handle(RoutingContext rc, Call call) {
        long now = System.currentTimeMillis();
        ProviderState state = registry.get(call.provider());
        ProviderSettings settings = state.settings();
        String path = rc.request().path();
        HttpServerResponse response = rc.response();
        SimRequest request;
        try {
            request = call.protocol().parse(body(rc), call.pathModel(), call.pathStream(), call.legacy());
        } catch (ProtocolException e) {
            state.record(new RequestRecord(now, path, call.pathModel(), false, "none", e.status()), false);
            sendError(response, call.protocol(), e.status(), e.code(), e.getMessage(), -1);
            return;
        }
        Fault fault = state.pickFault(now);
        boolean faulted = fault.kind() != Fault.Kind.NONE;
        Integer status = switch (fault.kind()) {
            case RESET, HANG -> null;
            case STATUS -> fault.status();
            default -> 200;
        };
        state.record(new RequestRecord(now, path, request.model(), request.stream(), fault.text(), status), faulted);
        switch (fault.kind()) {
            case STATUS -> {
                sendError(response, call.protocol(), fault.status(), fault.errorCode(), errorMessage(fault),
                        fault.status() == 429 ? settings.fault().retryAfterS() : -1);
                return;
            }
            case RESET -> {
                rc.request().connection().close(); // before any byte of the answer
                return;
            }
            case HANG -> {
                return; // accept and never answer; the connection ends when the client gives up
            }
            default -> {
            }
        }
        Completion completion = completions.create(request, settings);
        long firstDelay = settings.ttftMs() + (fault.kind() == Fault.Kind.SLOW_FIRST_TOKEN ? fault.ms() : 0);
        if (request.stream()) {
            new StreamPlayer(vertx, response, call.protocol().events(request, completion), fault, firstDelay,
                    settings.tokensPerSecond()).start();
            return;
        }
        String body = call.protocol().body(request, completion);
        long delay = firstDelay + (settings.tokensPerSecond() > 0
                ? (long) (completion.completionTokens() * 1000 / settings.tokensPerSecond())
                : 0);
        if (delay <= 0) {
            sendJson(response, body, fault);
        } else {
            vertx.setTimer(delay, id -> sendJson(response, body, fault));
        }
    }

    private static JsonObject body(RoutingContext rc) {
        try {
            JsonObject json = rc.body().asJsonObject();
            if (json == null) {
                throw ProtocolException.invalid("request body must be a JSON object");
            }
            return json;
        } catch (ProtocolException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ProtocolException.invalid("request body is not a valid JSON object");
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
