package io.llmgateway.routing.service;

import static io.opentelemetry.semconv.ErrorAttributes.ERROR_TYPE;
import static io.opentelemetry.semconv.HttpAttributes.HTTP_RESPONSE_STATUS_CODE;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_SYSTEM;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.events.UsageAttempt;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.contracts.internal.KeyState;
import io.llmgateway.routing.adapter.Completion;
import io.llmgateway.routing.adapter.Json;
import io.llmgateway.routing.adapter.ProviderAdapter;
import io.llmgateway.routing.adapter.UpstreamCall;
import io.llmgateway.routing.model.Candidate;
import io.llmgateway.routing.model.ChatRequest;
import io.llmgateway.routing.model.TokenUsage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

/**
 * One request, from its admission and first upstream attempt to the usage event: it decides what
 * happens next (admission, attempts, retries, fail-over, the ending) and holds the request's state;
 * {@link UpstreamSend} runs each attempt on the wire, {@link StreamRelay} writes a streaming answer
 * and {@link UsageRecorder} records the ending. All callbacks run on the request's event-loop
 * context, so the state below, which those classes share, needs no locks. With optimistic admission
 * the first attempt starts while the admission script is in flight; nothing is written to the client,
 * and nothing is settled, before the admission answered ({@link #deliver}). Retries and fail-over
 * happen only until the first token reached the client; after that a failure ends the stream with an
 * error chunk.
 */
final class Exchange {

    private static final Logger LOG = Logger.getLogger(Exchange.class);
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    final ChatService svc;
    final RoutingContext ctx;
    final ChatRequest request;
    final KeyState key;
    private final List<Candidate> candidates;
    private final Supplier<Future<Admission.Ticket>> admission;
    private final boolean optimistic;
    /** Optimistic: the admission script waits until the first attempt is written (see start). */
    private boolean admissionDeferred;
    /** Null until the admission answered yes. */
    Admission.Ticket ticket;
    /** What reaches the client first, held until the admission answered. */
    private Runnable deferred;
    /** The cost of a request that finished (client left) before its admission answered. */
    private long unsettledMicros;
    final long started;
    final Context context;
    /** The event-loop thread that read the request: every field here is touched on it only. */
    final Thread loop = Thread.currentThread();
    final String generationId;
    final long created = System.currentTimeMillis() / 1000;
    final List<UsageAttempt> attempts = new ArrayList<>();
    final Span span;
    /** The client's SSE stream; null for a JSON answer. */
    private final StreamRelay relay;

    private int candidateIndex;
    private int triesOnCandidate;
    private int attemptsUsed;
    private int contextLimitFailed = -1;
    private String contextFailedModel;
    HttpClientRequest upstreamRequest;
    /** Set when we reset the upstream call ourselves (see {@link #cutUpstream}). */
    boolean upstreamCut;
    /** Time spent waiting on providers: subtracted to tell the gateway's own overhead. */
    long upstreamNanos;
    long firstByteNanos;
    private long attemptStarted;
    /** Time to the first token, for a stream; null until then and for JSON answers. */
    Long ttftMs;
    boolean finished;
    boolean cancelled;

    Exchange(ChatService svc, RoutingContext ctx, ChatRequest request, KeyState key, List<Candidate> candidates,
            Supplier<Future<Admission.Ticket>> admission, boolean optimistic, long started,
            io.opentelemetry.context.Context parent) {
        this.svc = svc;
        this.ctx = ctx;
        this.request = request;
        this.key = key;
        this.candidates = candidates;
        this.admission = admission;
        this.optimistic = optimistic;
        this.started = started;
        this.context = svc.vertx.getOrCreateContext();
        this.generationId = newGenerationId();
        this.span = svc.tracer.spanBuilder("chat " + request.models().get(0)).setSpanKind(SpanKind.INTERNAL)
                .setAttribute(GEN_AI_REQUEST_MODEL, request.models().get(0))
                .setAttribute(GEN_AI_OPERATION_NAME, "chat").setParent(parent).startSpan();
        this.relay = request.stream() ? new StreamRelay(this) : null;
    }

    void start() {
        ctx.response().closeHandler(v -> onClientGone());
        ctx.response().putHeader("X-Generation-Id", generationId);
        if (relay != null) {
            relay.startKeepalive();
        }
        if (optimistic) {
            // The provider's request goes out first, the script right after it has been written
            // (or once the attempt ends unsent): the write that wakes Redis cost an idle host about
            // 80 µs, which sat in front of the provider's request and so in every time to first token.
            svc.meters.optimisticStarted();
            admissionDeferred = true;
            next();
        } else {
            admission().onComplete(ar -> {
                admitted(ar);
                if (ticket != null) {
                    next();
                }
            });
        }
    }

    // ---------------------------------------------------------------- admission

    /**
     * Sends the optimistic admission's script if it still waits for the first attempt (see start).
     * Not once the exchange has ended (the client left): nothing was reserved, so nothing to settle.
     */
    void startDeferredAdmission() {
        if (admissionDeferred) {
            admissionDeferred = false;
            if (!finished) {
                admission().onComplete(this::admitted);
            }
        }
    }

    private Future<Admission.Ticket> admission() {
        try {
            return admission.get();
        } catch (RuntimeException e) { // never leave a started attempt without an answer
            return Future.failedFuture(new GatewayException(503, "Gateway state store unavailable; retry shortly"));
        }
    }

    private void admitted(AsyncResult<Admission.Ticket> ar) {
        if (ar.failed()) {
            denied(ar.cause() instanceof GatewayException ge ? ge
                    : new GatewayException(503, "Gateway state store unavailable; retry shortly"));
            return;
        }
        ticket = ar.result();
        if (finished) {
            svc.settlements.settle(ticket, unsettledMicros); // the client left before the answer
            return;
        }
        ctx.response().putHeader("X-RateLimit-Limit", Integer.toString(ticket.limit()));
        ctx.response().putHeader("X-RateLimit-Remaining", Integer.toString(Math.max(0, ticket.remaining())));
        ctx.response().putHeader("X-RateLimit-Reset",
                Long.toString((System.currentTimeMillis() / 1000 + ticket.resetSeconds()) * 1000));
        Runnable first = deferred;
        deferred = null;
        if (first != null) {
            first.run();
        }
    }

    /** Refused (rate limit, credits) or not decidable: an attempt in flight is cut and nothing is billed. */
    private void denied(GatewayException e) {
        deferred = null;
        if (finished) {
            return; // the client left first: nothing was reserved, nothing to settle
        }
        finished = true;
        cancelled = true; // the cut attempt is not the endpoint's fault
        if (relay != null) {
            relay.stopTimers();
        }
        if (optimistic) {
            svc.meters.optimisticDenied();
        }
        cutUpstream(); // a call still waiting for a connection stops in UpstreamSend.send()
        span.setAttribute(ERROR_TYPE, "admission_" + e.status()).end();
        ChatService.fail(ctx, e);
    }

    /** Runs what writes to the client now if admitted, else when the admission answers yes. */
    private void deliver(Runnable first) {
        if (ticket != null) {
            first.run();
        } else if (!finished) {
            deferred = first;
        }
    }

    // ---------------------------------------------------------------- attempts

    private void next() {
        if (finished) {
            return;
        }
        int max = svc.config.upstream().maxAttempts();
        while (candidateIndex < candidates.size()) {
            Candidate c = candidates.get(candidateIndex);
            if (contextLimitFailed >= 0 && c.model().id().equals(contextFailedModel)
                    && c.contextLength() <= contextLimitFailed) {
                candidateIndex++; // too long here is too long on this model's endpoints that are not larger
                triesOnCandidate = 0;
                continue;
            }
            if (attemptsUsed >= max || remainingMs() <= 0) {
                break;
            }
            attempt(c);
            return;
        }
        giveUp();
    }

    private void moveOn() {
        candidateIndex++;
        triesOnCandidate = 0;
        next();
    }

    private void attempt(Candidate c) {
        ProviderAdapter adapter = svc.adapters.get(c.provider().adapter() == null ? "openai" : c.provider().adapter());
        if (adapter == null) {
            attempts.add(new UsageAttempt(c.providerSlug(), c.endpointId(), c.model().id(), 0, "unsupported_adapter", 0,
                    "adapter " + c.provider().adapter() + " unknown"));
            moveOn();
            return;
        }
        attemptsUsed++;
        triesOnCandidate++;
        attemptStarted = System.nanoTime();
        String credential = c.provider().credentialRef() == null ? null : System.getenv(c.provider().credentialRef());
        UpstreamCall call = adapter.request(request.body(), c, request.stream(), credential);
        Span attemptSpan = svc.tracer.spanBuilder("chat " + c.endpoint().providerModel()).setSpanKind(SpanKind.CLIENT)
                .setParent(io.opentelemetry.context.Context.current().with(span))
                .setAttribute(GEN_AI_SYSTEM, c.providerSlug())
                .setAttribute(GEN_AI_REQUEST_MODEL, c.model().id())
                .setAttribute(GEN_AI_RESPONSE_MODEL, c.endpoint().providerModel()).startSpan();
        CompletionStage<Object> stage = svc.health.guarded(c.endpointId(), () -> new UpstreamSend(this).send(adapter, call));
        stage.whenComplete((result, error) -> {
            if (error == null && request.stream() && Thread.currentThread() == loop) {
                // a stream's success already arrives on its request's loop: passing it through the
                // loop's task queue once more delayed every first token (about 25 µs on an idle
                // host). JSON answers keep the queue: delivered on the spot, they cost 5% of the
                // requests per second at 32 connections (side-by-side A/B).
                try {
                    attemptEnded(c, adapter, attemptSpan, result, null);
                } catch (RuntimeException e) {
                    // thrown into the guard's completion it would vanish: the client gets an answer
                    LOG.errorf(e, "delivering the answer of %s failed", c.endpointId());
                    giveUp(new GatewayException(500, "Internal error; the request was not completed"));
                }
            } else {
                // the rest goes through the queue: after a failure the next attempt then starts on
                // a fresh stack, never inside the callbacks of the one that failed
                context.runOnContext(v -> attemptEnded(c, adapter, attemptSpan, result, error));
            }
        });
    }

    /** One attempt's outcome, on the request's loop: deliver it, or retry, fail over, or give up. */
    private void attemptEnded(Candidate c, ProviderAdapter adapter, Span attemptSpan, Object result, Throwable error) {
        startDeferredAdmission(); // the attempt ended before its request was written
        long latency = (System.nanoTime() - attemptStarted) / 1_000_000;
        if (error == null) {
            attemptSpan.setAttribute(HTTP_RESPONSE_STATUS_CODE, 200L).end();
            svc.health.record(c.endpointId(), true);
            attempts.add(new UsageAttempt(c.providerSlug(), c.endpointId(), c.model().id(), 200, "success", latency, null));
            if (request.stream()) {
                StreamTap tap = (StreamTap) result;
                if (ticket == null) {
                    tap.response.pause(); // held upstream until admitted, not piled up here
                }
                deliver(() -> {
                    tap.response.resume();
                    relay.start(c, adapter, tap);
                });
            } else {
                deliver(() -> respond(c, (Completion) result));
            }
            return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        boolean endpointsFault = true;
        if (cause instanceof EndpointHealth.NotTheEndpointsFault cf) {
            cause = cf.getCause();
            endpointsFault = false;
        }
        attemptSpan.setAttribute(ERROR_TYPE, cause.getClass().getSimpleName()).end();
        if (!(cause instanceof AttemptFailure f)) {
            // circuit open or bulkhead full: not an attempt on the wire, try the next endpoint
            attemptsUsed--;
            String outcome = rejection(cause);
            if (outcome.equals("internal_error")) {
                LOG.errorf(cause, "attempt on %s failed inside the gateway", c.endpointId());
            }
            attempts.add(new UsageAttempt(c.providerSlug(), c.endpointId(), c.model().id(), 503, outcome, 0,
                    outcome.equals("internal_error") ? cause.getClass().getSimpleName() : null));
            moveOn();
            return;
        }
        if (endpointsFault) {
            svc.health.record(c.endpointId(), false);
        }
        attempts.add(new UsageAttempt(c.providerSlug(), c.endpointId(), c.model().id(), f.status,
                f.timeout ? "timeout" : "error", latency, f.getMessage()));
        if (cancelled) {
            finishCancelled();
            return;
        }
        if (f.error != null && f.error.contentPolicy()) {
            giveUp(new GatewayException(403, "Rejected by the provider's content policy: " + f.error.message(),
                    Map.of("provider_name", c.providerName(), "reasons", String.valueOf(f.error.message()))));
            return;
        }
        if (f.error != null && f.error.contextLengthExceeded()) {
            contextLimitFailed = c.contextLength();
            contextFailedModel = c.model().id();
            moveOn();
            return;
        }
        if (f.clientFault()) {
            giveUp(new GatewayException(f.status, f.error != null && f.error.message() != null ? f.error.message()
                    : "The provider rejected the request (HTTP " + f.status + ")",
                    Map.of("provider_name", c.providerName())));
            return;
        }
        // another endpoint is the fastest cure; the same one is retried (after backoff or a short
        // Retry-After) only when it is the last one left
        long delay = candidateIndex == candidates.size() - 1 ? retryDelay(f) : -1;
        if (delay >= 0 && triesOnCandidate < svc.config.upstream().maxAttemptsPerEndpoint()) {
            svc.vertx.setTimer(Math.max(1, delay), t -> next());
        } else {
            moveOn();
        }
    }

    /** Why the guard refused an attempt before it reached the wire. */
    private static String rejection(Throwable cause) {
        if (cause instanceof CircuitBreakerOpenException) {
            return "circuit_open";
        }
        if (cause instanceof BulkheadException) {
            return "bulkhead_full";
        }
        return "internal_error";
    }

    long remainingMs() {
        return svc.config.upstream().deadline().toMillis() - (System.nanoTime() - started) / 1_000_000;
    }

    /** -1 = fail over now; else milliseconds to wait before retrying the same endpoint. */
    private long retryDelay(AttemptFailure f) {
        if (!f.retryable() || f.timeout) {
            return -1; // a silent endpoint is not waited on twice
        }
        if (f.retryAfterMs >= 0) {
            return f.retryAfterMs <= svc.config.upstream().retryAfterMax().toMillis() ? f.retryAfterMs : -1;
        }
        long base = svc.config.upstream().backoffBase().toMillis() << Math.max(0, triesOnCandidate - 1);
        long capped = Math.min(base, svc.config.upstream().backoffMax().toMillis());
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    // ---------------------------------------------------------------- JSON answer

    private void respond(Candidate c, Completion completion) {
        if (finished) {
            return;
        }
        TokenUsage u = completion.usage();
        boolean estimated = false;
        if (!u.present) {
            estimated = true;
            StringBuilder text = new StringBuilder();
            completion.choices().forEach(ch -> text.append(Json.contentText(ch.path("message").get("content"))));
            u = TokenUsage.of(Tokens.prompt(request.body()), Tokens.count(text.toString()), 0, 0);
        }
        BigDecimal cost = Pricer.cost(c, u);
        ObjectNode out = Json.object();
        out.put("id", generationId);
        out.put("provider", c.providerName());
        out.put("model", c.model().id());
        out.put("object", request.legacyCompletion() ? "text_completion" : "chat.completion");
        out.put("created", created);
        ArrayNode choices = completion.choices();
        if (request.legacyCompletion()) {
            ArrayNode legacy = Json.NODES.arrayNode();
            for (JsonNode ch : choices) {
                legacy.addObject().put("index", ch.path("index").asInt()).put("text",
                        Json.contentText(ch.path("message").get("content")))
                        .put("finish_reason", Json.text(ch, "finish_reason"))
                        .put("native_finish_reason", Json.text(ch, "native_finish_reason"));
            }
            choices = legacy;
        }
        out.set("choices", choices);
        out.put("system_fingerprint", completion.systemFingerprint());
        out.set("usage", usageJson(u, cost));
        ctx.response().putHeader("Content-Type", "application/json");
        ctx.response().putHeader("X-Gateway-Overhead-Ms", overhead());
        ctx.response().end(Json.buffer(out));
        finish(c, u, estimated, cost, UsageEvent.STATUS_SUCCESS, 200, completion.finishReason(),
                completion.nativeFinishReason(), null, completion.upstreamId());
    }

    static ObjectNode usageJson(TokenUsage u, BigDecimal cost) {
        ObjectNode usage = Json.object();
        usage.put("prompt_tokens", u.prompt);
        usage.put("completion_tokens", u.completion);
        usage.put("total_tokens", u.prompt + u.completion);
        usage.put("cost", cost);
        usage.put("is_byok", false);
        usage.putObject("prompt_tokens_details").put("cached_tokens", u.cached);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", u.reasoning);
        return usage;
    }

    /** The gateway's own time so far, in milliseconds with three decimals (X-Gateway-Overhead-Ms). */
    String overhead() {
        long micros = Math.max(0, (System.nanoTime() - started - upstreamNanos) / 1000);
        long frac = micros % 1000;
        return (micros / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }

    // ---------------------------------------------------------------- upstream call

    /** Cuts the attempt in flight, if there is one. */
    void cutUpstream() {
        if (upstreamRequest != null) {
            cutUpstream(upstreamRequest);
        }
    }

    /**
     * Cuts the upstream call. Its connection lives on this event loop, so Vert.x may report the
     * reset's own error inside this call: that error is ours, not the provider's, and is ignored.
     */
    void cutUpstream(HttpClientRequest upstream) {
        upstreamCut = true;
        upstream.reset();
    }

    /**
     * Forgets a call whose answer was read to the end. Resetting it later would close its HTTP/1.1
     * connection, which the pool may by then have lent to another request.
     */
    void released(HttpClientRequest upstream) {
        if (upstreamRequest == upstream) {
            upstreamRequest = null;
        }
    }

    // ---------------------------------------------------------------- endings

    private void onClientGone() {
        // A connection closed after the whole answer was written (e.g. a client that asked for an
        // h2c upgrade, or Connection: close) is not a cancellation: the answer was delivered.
        if (finished || ctx.response().ended()) {
            return;
        }
        cancelled = true;
        cutUpstream();
        if (relay != null && relay.relaying()) {
            relay.clientGone();
        } else {
            finishCancelled();
        }
    }

    private void finishCancelled() {
        if (!finished) {
            finish(null, TokenUsage.of(0, 0, 0, 0), false, BigDecimal.ZERO, UsageEvent.STATUS_CANCELLED, 499, null, null,
                    "client disconnected", null);
        }
    }

    private void giveUp() {
        boolean allRateLimited = !attempts.isEmpty() && attempts.stream().allMatch(a -> a.status() == 429);
        boolean noneTried = attempts.stream().noneMatch(a -> a.latencyMs() > 0 || a.status() != 503);
        int status = allRateLimited ? 429 : noneTried ? 503 : contextLimitFailed >= 0 && attempts.stream()
                .allMatch(a -> a.status() == 400) ? 400 : 502;
        String message = switch (status) {
            case 429 -> "All providers for this model are rate limited; retry shortly";
            case 503 -> "No provider available for this model right now";
            case 400 -> "The prompt is longer than every available endpoint's context length";
            default -> "All providers failed to answer";
        };
        giveUp(new GatewayException(status, message, Map.of("attempts", UsageRecorder.attemptsMeta(attempts)),
                status == 429 ? Map.of("Retry-After", "1") : null));
    }

    private void giveUp(GatewayException e) {
        if (finished) {
            return;
        }
        if (ticket == null) {
            startDeferredAdmission(); // no attempt was written (none could start): admission still answers first
            deliver(() -> giveUp(e)); // a refused admission answers instead
            return;
        }
        if (relay != null && relay.headersSent()) {
            relay.endWithError(e);
        } else {
            if (relay != null) {
                relay.cancelKeepalive();
            }
            ChatService.fail(ctx, e);
        }
        finish(null, TokenUsage.of(0, 0, 0, 0), false, BigDecimal.ZERO, UsageEvent.STATUS_ERROR, e.status(), "error",
                null, e.getMessage(), null);
    }

    /** Ends the exchange once: stops its timers, settles its cost and records it. */
    void finish(Candidate c, TokenUsage u, boolean estimated, BigDecimal cost, String status, int httpStatus,
            String finish, String nativeFinish, String error, String upstream) {
        if (finished) {
            return;
        }
        finished = true;
        if (relay != null) {
            relay.stopTimers();
        }
        long costMicros = Admission.micros(cost);
        if (ticket != null) {
            svc.settlements.settle(ticket, costMicros);
        } else {
            unsettledMicros = costMicros; // settled when the admission answers
        }
        UsageRecorder.record(this, c, u, estimated, cost, costMicros, status, httpStatus, finish, nativeFinish, error,
                upstream);
    }

    static String newGenerationId() {
        StringBuilder sb = new StringBuilder("gen-").append(System.currentTimeMillis() / 1000).append('-');
        for (int i = 0; i < 20; i++) {
            // an identifier, not a secret: ThreadLocalRandom avoids SecureRandom's lock and syscalls
            sb.append(ALNUM.charAt(ThreadLocalRandom.current().nextInt(ALNUM.length())));
        }
        return sb.toString();
    }
}
