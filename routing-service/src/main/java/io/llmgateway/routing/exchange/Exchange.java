package io.llmgateway.routing.exchange;

import static io.opentelemetry.semconv.ErrorAttributes.ERROR_TYPE;
import static io.opentelemetry.semconv.HttpAttributes.HTTP_RESPONSE_STATUS_CODE;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL;
import static io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_SYSTEM;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.events.UsageAttempt;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.routing.admission.Admission;
import io.llmgateway.routing.canonical.Answer;
import io.llmgateway.routing.canonical.CanonicalRequest;
import io.llmgateway.routing.canonical.Completion;
import io.llmgateway.routing.canonical.IngressFormat;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.StreamHead;
import io.llmgateway.routing.canonical.TokenUsage;
import io.llmgateway.routing.selection.Candidate;
import io.llmgateway.routing.selection.Pricer;
import io.llmgateway.routing.upstream.AttemptFailure;
import io.llmgateway.routing.upstream.AttemptOutcome;
import io.llmgateway.routing.upstream.EndpointGuards;
import io.llmgateway.routing.upstream.UpstreamAttempt;
import io.llmgateway.routing.upstream.protocol.ProviderAdapter;
import io.llmgateway.routing.upstream.protocol.UpstreamCall;
import io.llmgateway.routing.usage.Ending;
import io.llmgateway.routing.usage.RequestClock;
import io.llmgateway.routing.usage.RequestIdentity;
import io.llmgateway.routing.usage.Tokens;
import io.llmgateway.routing.usage.UsageRecorder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

/**
 * One request, from its admission and first upstream attempt to its usage event: the one place that
 * decides what happens next (admission, attempts, retries, fail-over, the ending). Each attempt is an
 * {@link UpstreamAttempt} whose outcome comes back as a value; a streamed answer is relayed by a
 * {@link StreamRelay} whose {@link Ending} comes back the same way; the ingress format renders what
 * the client sees. All callbacks run on the request's event-loop context, so the state below needs
 * no locks. With optimistic admission the first attempt starts while the admission script is in
 * flight; nothing is written to the client, and nothing is settled, before the admission answered
 * ({@link #deliver}). Retries and fail-over happen only until the first token reached the client;
 * after that a failure ends the stream with an error event.
 */
final class Exchange {

    private static final Logger LOG = Logger.getLogger(Exchange.class);
    private static final String INTERNAL = "Internal error; the request was not completed";

    private final ExchangeServices s;
    private final HttpServerResponse response;
    private final IngressFormat format;
    private final CanonicalRequest request;
    private final RequestIdentity identity;
    private final StreamHead head;
    private final List<Candidate> candidates;
    private final Supplier<Future<Admission.Ticket>> admission;
    private final boolean optimistic;
    private final RequestClock clock;
    private final Context context;
    /** The event-loop thread that read the request: every field here is touched on it only. */
    private final Thread loop = Thread.currentThread();
    private final List<UsageAttempt> attempts = new ArrayList<>();
    private final Span span;
    /** The client's SSE stream; null for a JSON answer. */
    private final StreamRelay relay;

    /** Optimistic: the admission script waits until the first attempt is written (see start). */
    private boolean admissionDeferred;
    /** Null until the admission answered yes. */
    private Admission.Ticket ticket;
    /** What reaches the client first, held until the admission answered. */
    private Runnable deferred;
    /** The cost of a request that finished (client left) before its admission answered. */
    private long unsettledMicros;
    private int candidateIndex;
    private int triesOnCandidate;
    private int attemptsUsed;
    private int contextLimitFailed = -1;
    private String contextFailedModel;
    /** The attempt on the wire, if any. */
    private UpstreamAttempt current;
    private boolean finished;
    private boolean cancelled;

    Exchange(ExchangeServices s, HttpServerResponse response, IngressFormat format, CanonicalRequest request,
            RequestIdentity identity, List<Candidate> candidates, Supplier<Future<Admission.Ticket>> admission,
            boolean optimistic, RequestClock clock, io.opentelemetry.context.Context parent) {
        this.s = s;
        this.response = response;
        this.format = format;
        this.request = request;
        this.identity = identity;
        this.head = new StreamHead(identity.generationId(), identity.created(), request);
        this.candidates = candidates;
        this.admission = admission;
        this.optimistic = optimistic;
        this.clock = clock;
        this.context = s.vertx().getOrCreateContext();
        this.span = s.tracer().spanBuilder(format.operation() + " " + identity.requestedModel())
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(GEN_AI_REQUEST_MODEL, identity.requestedModel())
                .setAttribute(io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME,
                        format.operation())
                .setParent(parent).startSpan();
        this.relay = request.stream()
                ? new StreamRelay(s, response, context, format.streamWriter(head), request, clock, this::finish)
                : null;
    }

    void start() {
        response.closeHandler(v -> onClientGone());
        response.putHeader("X-Generation-Id", identity.generationId());
        if (relay != null) {
            relay.startKeepalive();
        }
        if (optimistic) {
            // The provider's request goes out first and the admission script right after it has been
            // written (or once the attempt ends unsent), so the script never delays the first token.
            s.meters().optimisticStarted();
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
    private void startDeferredAdmission() {
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
            s.settlements().settle(ticket, unsettledMicros); // the client left before the answer
            return;
        }
        if (relay != null) {
            relay.admitted();
        }
        response.putHeader("X-RateLimit-Limit", Integer.toString(ticket.limit()));
        response.putHeader("X-RateLimit-Remaining", Integer.toString(Math.max(0, ticket.remaining())));
        response.putHeader("X-RateLimit-Reset",
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
            relay.close();
        }
        if (optimistic) {
            s.meters().optimisticDenied();
        }
        if (current != null) {
            current.abandon(); // a call still waiting for a connection is never sent
        }
        span.setAttribute(ERROR_TYPE, "admission_" + e.status()).end();
        format.fail(response, e);
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
        int max = s.config().upstream().maxAttempts();
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
        ProviderAdapter adapter = s.adapter(c.provider().adapter());
        if (adapter == null) {
            attempts.add(new UsageAttempt(c.providerSlug(), c.endpointId(), c.model().id(), 0, "unsupported_adapter", 0,
                    "adapter " + c.provider().adapter() + " unknown"));
            moveOn();
            return;
        }
        attemptsUsed++;
        triesOnCandidate++;
        long attemptStarted = System.nanoTime();
        String credential = c.provider().credentialRef() == null ? null : System.getenv(c.provider().credentialRef());
        UpstreamCall call = adapter.request(request.body(), c, request.stream(), credential);
        long firstByte = request.stream() ? s.config().upstream().firstByteTimeout().toMillis()
                : s.config().upstream().responseTimeout().toMillis();
        UpstreamAttempt attempt = new UpstreamAttempt(s.clients(), s.vertx(), adapter, call, request.stream(),
                Math.min(firstByte, remainingMs()), this::attemptWritten);
        current = attempt;
        Span attemptSpan = s.tracer().spanBuilder(format.operation() + " " + c.endpoint().providerModel())
                .setSpanKind(SpanKind.CLIENT)
                .setParent(io.opentelemetry.context.Context.current().with(span))
                .setAttribute(GEN_AI_SYSTEM, c.providerSlug())
                .setAttribute(GEN_AI_REQUEST_MODEL, c.model().id())
                .setAttribute(GEN_AI_RESPONSE_MODEL, c.endpoint().providerModel()).startSpan();
        s.guards().guarded(c.endpointId(), attempt::send).whenComplete((outcome, error) -> {
            if (error == null && request.stream() && Thread.currentThread() == loop) {
                // a stream's success already arrives on its request's loop: delivered on the spot, so
                // the first token does not wait for the loop's task queue
                try {
                    attemptEnded(c, adapter, attempt, attemptSpan, attemptStarted, outcome, null);
                } catch (RuntimeException e) {
                    // thrown into the guard's completion it would vanish: the client gets an answer
                    LOG.errorf(e, "delivering the answer of %s failed", c.endpointId());
                    giveUp(new GatewayException(500, INTERNAL));
                }
            } else {
                // the rest goes through the queue: after a failure the next attempt then starts on
                // a fresh stack, never inside the callbacks of the one that failed
                context.runOnContext(v -> attemptEnded(c, adapter, attempt, attemptSpan, attemptStarted, outcome,
                        error));
            }
        });
    }

    /** The provider's request is on its way: now the deferred admission, on the request's own loop. */
    private void attemptWritten() {
        if (Thread.currentThread() == loop) {
            startDeferredAdmission();
        } else {
            context.runOnContext(v -> startDeferredAdmission()); // the bulkhead may start attempts elsewhere
        }
    }

    /** One attempt's outcome, on the request's loop: deliver it, or retry, fail over, or give up. */
    private void attemptEnded(Candidate c, ProviderAdapter adapter, UpstreamAttempt attempt, Span attemptSpan,
            long attemptStarted, AttemptOutcome outcome, Throwable error) {
        startDeferredAdmission(); // the attempt ended before its request was written
        clock.waitedUpstream(attempt.upstreamNanos());
        long latency = (System.nanoTime() - attemptStarted) / 1_000_000;
        if (error == null) {
            attemptSpan.setAttribute(HTTP_RESPONSE_STATUS_CODE, 200L).end();
            s.guards().record(c.endpointId(), true);
            attempts.add(new UsageAttempt(c.providerSlug(), c.endpointId(), c.model().id(), 200, "success", latency, null));
            if (outcome.streaming()) {
                clock.firstByte(attempt.firstByteAt());
                if (ticket == null) {
                    outcome.tap().response.pause(); // held upstream until admitted, not piled up here
                }
                deliver(() -> {
                    outcome.tap().response.resume();
                    relay.start(c, adapter, outcome.tap(), attempt);
                });
            } else {
                deliver(() -> respond(c, outcome.completion()));
            }
            return;
        }
        current = null;
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        boolean endpointsFault = true;
        if (cause instanceof EndpointGuards.NotTheEndpointsFault cf) {
            cause = cf.getCause();
            endpointsFault = false;
        }
        attemptSpan.setAttribute(ERROR_TYPE, cause.getClass().getSimpleName()).end();
        if (!(cause instanceof AttemptFailure f)) {
            // circuit open or bulkhead full: not an attempt on the wire, try the next endpoint
            attemptsUsed--;
            String rejected = rejection(cause);
            if (rejected.equals("internal_error")) {
                LOG.errorf(cause, "attempt on %s failed inside the gateway", c.endpointId());
            }
            attempts.add(new UsageAttempt(c.providerSlug(), c.endpointId(), c.model().id(), 503, rejected, 0,
                    rejected.equals("internal_error") ? cause.getClass().getSimpleName() : null));
            moveOn();
            return;
        }
        if (endpointsFault) {
            s.guards().record(c.endpointId(), false);
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
        if (delay >= 0 && triesOnCandidate < s.config().upstream().maxAttemptsPerEndpoint()) {
            s.vertx().setTimer(Math.max(1, delay), t -> next());
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

    private long remainingMs() {
        return s.config().upstream().deadline().toMillis() - clock.elapsedMs();
    }

    /** -1 = fail over now; else milliseconds to wait before retrying the same endpoint. */
    private long retryDelay(AttemptFailure f) {
        if (!f.retryable() || f.timeout) {
            return -1; // a silent endpoint is not waited on twice
        }
        if (f.retryAfterMs >= 0) {
            return f.retryAfterMs <= s.config().upstream().retryAfterMax().toMillis() ? f.retryAfterMs : -1;
        }
        long base = s.config().upstream().backoffBase().toMillis() << Math.max(0, triesOnCandidate - 1);
        long capped = Math.min(base, s.config().upstream().backoffMax().toMillis());
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
        io.vertx.core.buffer.Buffer body = format.answer(new Answer(head, c.providerName(), c.model().id(), completion, u, cost));
        response.putHeader("Content-Type", "application/json");
        response.putHeader("X-Gateway-Overhead-Ms", clock.overhead());
        response.end(body);
        finish(Ending.success(c, u, estimated, cost, completion.finishReason(), completion.nativeFinishReason(),
                completion.upstreamId()));
    }

    // ---------------------------------------------------------------- endings

    private void onClientGone() {
        // A connection closed after the whole answer was written (e.g. a client that asked for an
        // h2c upgrade, or Connection: close) is not a cancellation: the answer was delivered.
        if (finished || response.ended()) {
            return;
        }
        cancelled = true;
        if (current != null) {
            current.abandon();
        }
        if (relay != null && relay.relaying()) {
            finish(relay.clientGone());
        } else {
            finishCancelled();
        }
    }

    private void finishCancelled() {
        if (!finished) {
            finish(Ending.unserved(UsageEvent.STATUS_CANCELLED, 499, null, "client disconnected"));
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
            relay.refuse(e);
        } else {
            if (relay != null) {
                relay.cancelKeepalive();
            }
            format.fail(response, e);
        }
        finish(Ending.unserved(UsageEvent.STATUS_ERROR, e.status(), "error", e.getMessage()));
    }

    /** Ends the exchange once: stops its timers, settles its cost and records it. */
    private void finish(Ending ending) {
        if (finished) {
            return;
        }
        finished = true;
        if (relay != null) {
            relay.close();
        }
        long costMicros = Admission.micros(ending.cost());
        if (ticket != null) {
            s.settlements().settle(ticket, costMicros);
        } else {
            unsettledMicros = costMicros; // settled when the admission answers
        }
        s.recorder().record(identity, ending, clock, attempts, costMicros, span);
    }
}
