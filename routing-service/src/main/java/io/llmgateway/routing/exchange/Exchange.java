package io.llmgateway.routing.exchange;

import static io.opentelemetry.semconv.ErrorAttributes.ERROR_TYPE;
import static io.opentelemetry.semconv.HttpAttributes.HTTP_RESPONSE_STATUS_CODE;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.events.UsageAttempt;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.routing.admission.Admission;
import io.llmgateway.routing.canonical.Answer;
import io.llmgateway.routing.canonical.CanonicalRequest;
import io.llmgateway.routing.canonical.Completion;
import io.llmgateway.routing.canonical.IngressFormat;
import io.llmgateway.routing.canonical.StreamHead;
import io.llmgateway.routing.canonical.TokenUsage;
import io.llmgateway.routing.selection.Candidate;
import io.llmgateway.routing.selection.Pricer;
import io.llmgateway.routing.upstream.AttemptFailure;
import io.llmgateway.routing.upstream.AttemptOutcome;
import io.llmgateway.routing.upstream.EndpointGuards;
import io.llmgateway.routing.upstream.UpstreamAttempt;
import io.llmgateway.routing.upstream.protocol.ProviderAdapter;
import io.llmgateway.routing.usage.Ending;
import io.llmgateway.routing.usage.RequestClock;
import io.llmgateway.routing.usage.RequestIdentity;
import io.llmgateway.routing.usage.Tokens;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One request, from admission to usage event: the one place that decides what happens next. Each
 * {@link UpstreamAttempt} returns its outcome as a value, the {@link StreamRelay} its {@link Ending};
 * the ingress format renders what the client sees. Callbacks run on the request's event-loop
 * context, so the state below needs no locks. Nothing is written to the client, nor settled, before
 * the admission answered ({@link #deliver}); retries and fail-over stop at the first token.
 */
final class Exchange {

    private static final Logger LOG = Logger.getLogger(Exchange.class);
    private static final String INTERNAL = "Internal error; the request was not completed";
    private static final Runnable NO_ANSWER = () -> { }; // an ending whose response is already written, or gone

    private final ExchangeServices s;
    private final HttpServerResponse response;
    private final IngressFormat format;
    /** Without its body once a stream started: no attempt follows, and an open stream should not hold it. */
    private CanonicalRequest request;
    private final RequestIdentity identity;
    private final StreamHead head;
    private final Failover failover;
    private final AdmissionGate gate;
    private final boolean optimistic;
    private final RequestClock clock;
    private final Context context;
    /** The event-loop thread that read the request: every field here is touched on it only. */
    private final Thread loop = Thread.currentThread();
    private final Span span;
    /** The client's SSE stream; null for a JSON answer. */
    private final StreamRelay relay;

    /** The cost of a request that finished (client left) before its admission answered. */
    private long unsettledMicros;
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
        this.head = StreamHead.of(identity.generationId(), identity.created(), request);
        this.failover = new Failover(s.config().upstream(), candidates);
        this.gate = new AdmissionGate(admission, optimistic);
        this.optimistic = optimistic;
        this.clock = clock;
        this.context = s.vertx().getOrCreateContext();
        this.span = s.requestSpan(format.operation(), identity.requestedModel(), parent);
        this.relay = request.stream()
                ? new StreamRelay(s, response, context, format.streamWriter(head), clock, this::finish)
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
            next();
        } else {
            gate.ask().onComplete(ar -> {
                admitted(ar);
                if (gate.admitted()) {
                    next();
                }
            });
        }
    }

    // ---------------------------------------------------------------- admission

    /**
     * Asks the optimistic admission if it still waits for the first attempt (see start). Not once
     * the exchange has ended (the client left): nothing was reserved, so nothing to settle.
     */
    private void startDeferredAdmission() {
        if (gate.takeDeferred() && !finished) {
            gate.ask().onComplete(this::admitted);
        }
    }

    private void admitted(AsyncResult<Admission.Ticket> ar) {
        if (ar.failed()) {
            denied(AdmissionGate.refusal(ar.cause()));
            return;
        }
        Admission.Ticket ticket = ar.result();
        Runnable first = gate.admit(ticket);
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
        if (first != null) {
            first.run();
        }
    }

    /** Refused (rate limit, credits) or not decidable: an attempt in flight is cut and nothing is billed. */
    private void denied(GatewayException e) {
        gate.drop();
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
        if (gate.admitted()) {
            first.run();
        } else if (!finished) {
            gate.hold(first);
        }
    }

    // ---------------------------------------------------------------- attempts

    private void next() {
        if (finished) {
            return;
        }
        Candidate c = failover.next(clock.remainingMs(s.config().upstream().deadline()));
        if (c == null) {
            giveUp(failover.exhausted());
        } else {
            attempt(c);
        }
    }

    private void moveOn() {
        failover.skip();
        next();
    }

    private void attempt(Candidate c) {
        ProviderAdapter adapter = s.adapter(c.protocol());
        if (adapter == null) {
            failover.record(new UsageAttempt(c.providerSlug(), c.endpointId(), c.model().id(), 0,
                    "unsupported_adapter", 0, "adapter " + c.protocol() + " unknown"));
            moveOn();
            return;
        }
        failover.started();
        long attemptStarted = System.nanoTime();
        UpstreamAttempt attempt = s.attempt(adapter, c, request, clock.remainingMs(s.config().upstream().deadline()),
                this::attemptWritten);
        current = attempt;
        Span attemptSpan = s.attemptSpan(format.operation(), c, span);
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
            failover.record(new UsageAttempt(c.providerSlug(), c.endpointId(), c.model().id(), 200, "success", latency,
                    null));
            if (outcome.streaming()) {
                clock.firstByte(attempt.firstByteAt());
                if (!gate.admitted()) {
                    outcome.tap().response.pause(); // held upstream until admitted, not piled up here
                }
                deliver(() -> {
                    outcome.tap().response.resume();
                    relay.start(c, adapter, outcome.tap(), attempt, request);
                    request = head.request(); // a stream's head holds it without its body already
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
            if (failover.refused(c, cause).equals("internal_error")) {
                LOG.errorf(cause, "attempt on %s failed inside the gateway", c.endpointId());
            }
            moveOn();
            return;
        }
        if (endpointsFault) {
            s.guards().record(c.endpointId(), false);
        }
        failover.record(new UsageAttempt(c.providerSlug(), c.endpointId(), c.model().id(), f.status,
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
            failover.contextTooLong(c);
            moveOn();
            return;
        }
        if (f.clientFault()) {
            giveUp(new GatewayException(f.status, f.error != null && f.error.message() != null ? f.error.message()
                    : "The provider rejected the request (HTTP " + f.status + ")",
                    Map.of("provider_name", c.providerName())));
            return;
        }
        long delay = failover.retryDelay(f);
        if (delay >= 0) {
            s.vertx().setTimer(Math.max(1, delay), t -> next());
        } else {
            moveOn();
        }
    }

    // ---------------------------------------------------------------- JSON answer

    private void respond(Candidate c, Completion completion) {
        if (finished) {
            return;
        }
        boolean estimated = !completion.usage().present;
        TokenUsage u = estimated ? Tokens.estimate(request.body(), completion) : completion.usage();
        BigDecimal cost = Pricer.cost(c, u);
        Buffer body = format.answer(new Answer(head, c.providerName(), c.model().id(), completion, u, cost));
        response.putHeader("Content-Type", "application/json");
        response.putHeader("X-Gateway-Overhead-Ms", clock.overhead());
        finish(Ending.success(c, u, estimated, cost, completion.finishReason(), completion.nativeFinishReason(),
                completion.upstreamId()), () -> response.end(body));
    }

    // ---------------------------------------------------------------- endings

    private void onClientGone() {
        // A connection closed after the whole answer was written (an h2c upgrade, Connection: close) is no cancellation
        if (finished || response.ended()) {
            return;
        }
        cancelled = true;
        if (current != null) {
            current.abandon();
        }
        if (relay != null && relay.relaying()) {
            finish(relay.clientGone(), NO_ANSWER);
        } else {
            finishCancelled();
        }
    }

    private void finishCancelled() {
        if (!finished) {
            finish(Ending.unserved(UsageEvent.STATUS_CANCELLED, 499, null, "client disconnected"), NO_ANSWER);
        }
    }

    private void giveUp(GatewayException e) {
        if (finished) {
            return;
        }
        if (!gate.admitted()) {
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
        finish(Ending.unserved(UsageEvent.STATUS_ERROR, e.status(), "error", e.getMessage()), NO_ANSWER);
    }

    /** Ends the exchange once: stops its timers, journals its usage event before {@code answer}, settles, records. */
    private void finish(Ending ending, Runnable answer) {
        if (finished) {
            return;
        }
        finished = true;
        if (relay != null) {
            relay.close();
        }
        long costMicros = Admission.micros(ending.cost());
        var event = s.recorder().journal(identity, ending, clock, failover.attempts(), costMicros, span); // billed if we die
        answer.run();
        if (gate.admitted()) {
            s.settlements().settle(gate.ticket(), costMicros);
        } else {
            unsettledMicros = costMicros; // settled when the admission answers
        }
        s.recorder().record(event, ending, clock, span);
    }
}
