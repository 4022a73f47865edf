package io.llmgateway.routing.service;

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
import io.llmgateway.routing.adapter.SseParser;
import io.llmgateway.routing.adapter.StreamDecoder;
import io.llmgateway.routing.adapter.StreamSink;
import io.llmgateway.routing.adapter.UpstreamCall;
import io.llmgateway.routing.adapter.UpstreamError;
import io.llmgateway.routing.client.UpstreamTarget;
import io.llmgateway.routing.model.Candidate;
import io.llmgateway.routing.model.ChatRequest;
import io.llmgateway.routing.model.TokenUsage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

/**
 * One request, from its admission and first upstream attempt to the usage event. All callbacks run on
 * the request's event-loop context, so the state below needs no locks. With optimistic admission the
 * first attempt starts while the admission script is in flight; nothing is written to the client, and
 * nothing is settled, before the admission answered ({@link #deliver}). Retries and fail-over happen
 * only until the first token reached the client; after that a failure ends the stream with an error
 * chunk.
 */
final class Exchange implements StreamSink {

    private static final Logger LOG = Logger.getLogger(Exchange.class);
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final Buffer PROCESSING = Buffer.buffer(": OPENROUTER PROCESSING\n\n");
    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private final ChatService svc;
    private final RoutingContext ctx;
    private final ChatRequest request;
    private final KeyState key;
    private final List<Candidate> candidates;
    private final Supplier<Future<Admission.Ticket>> admission;
    private final boolean optimistic;
    /** Optimistic: the admission script waits until the first attempt is written (see start). */
    private boolean admissionDeferred;
    /** Null until the admission answered yes. */
    private Admission.Ticket ticket;
    /** What reaches the client first, held until the admission answered. */
    private Runnable deferred;
    /** The cost of a request that finished (client left) before its admission answered. */
    private long unsettledMicros;
    private final long started;
    private final Context context;
    /** The event-loop thread that read the request: every field here is touched on it only. */
    private final Thread loop = Thread.currentThread();
    private final String generationId;
    private final long created = System.currentTimeMillis() / 1000;
    private final List<UsageAttempt> attempts = new ArrayList<>();
    /** Redis writes that need not delay anything: sent in one pipelined batch when the request ends. */
    private final Span span;

    private int candidateIndex;
    private int triesOnCandidate;
    private int attemptsUsed;
    private int contextLimitFailed = -1;
    private String contextFailedModel;
    private HttpClientRequest upstreamRequest;
    private long upstreamNanos;
    private long attemptStarted;
    private long keepaliveTimer = -1;
    private long idleTimer = -1;
    private boolean headersSent;
    private boolean firstTokenSent;
    private boolean finished;
    private boolean cancelled;
    /** Output of the upstream reads of the current event-loop turn, written once at its end. */
    private Buffer batched;
    private Long ttftMs;
    private long firstByteNanos;
    // stream state
    private Candidate active;
    private TokenUsage streamUsage = new TokenUsage();
    private final StringBuilder streamed = new StringBuilder();
    private String finishReason;
    private String nativeFinishReason;
    private String upstreamId;
    private String fingerprint;
    private boolean upstreamDone;
    /** Set when we reset the upstream call ourselves (see {@link #cutUpstream}). */
    private boolean upstreamCut;
    private HttpClientResponse streaming;

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
                .setAttribute("gen_ai.request.model", request.models().get(0))
                .setAttribute("gen_ai.operation.name", "chat").setParent(parent).startSpan();
    }

    void start() {
        ctx.response().closeHandler(v -> onClientGone());
        ctx.response().putHeader("X-Generation-Id", generationId);
        if (request.stream()) {
            keepaliveTimer = svc.vertx.setTimer(svc.config.stream().firstKeepalive().toMillis(), t -> keepalive());
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
        cancelIdle();
        if (keepaliveTimer >= 0) {
            svc.vertx.cancelTimer(keepaliveTimer);
        }
        if (optimistic) {
            svc.meters.optimisticDenied();
        }
        if (upstreamRequest != null) {
            cutUpstream(upstreamRequest); // a call still waiting for a connection stops in send()
        }
        span.setAttribute("error.type", "admission_" + e.status()).end();
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
                .setAttribute("gen_ai.system", c.providerSlug())
                .setAttribute("gen_ai.request.model", c.model().id())
                .setAttribute("gen_ai.response.model", c.endpoint().providerModel()).startSpan();
        CompletionStage<Object> stage = svc.health.guarded(c.endpointId(), () -> send(adapter, call));
        stage.whenComplete((result, error) -> context.runOnContext(v -> {
            startDeferredAdmission(); // the attempt ended before its request was written
            long latency = (System.nanoTime() - attemptStarted) / 1_000_000;
            if (error == null) {
                attemptSpan.setAttribute("http.response.status_code", 200).end();
                svc.health.record(c.endpointId(), true);
                attempts.add(new UsageAttempt(c.providerSlug(), c.endpointId(), c.model().id(), 200, "success", latency, null));
                if (request.stream()) {
                    StreamTap tap = (StreamTap) result;
                    if (ticket == null) {
                        tap.response.pause(); // held upstream until admitted, not piled up here
                    }
                    deliver(() -> {
                        tap.response.resume();
                        active = c;
                        streamStarted(adapter, tap);
                    });
                } else {
                    deliver(() -> {
                        active = c;
                        respond(c, (Completion) result);
                    });
                }
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            boolean endpointsFault = true;
            if (cause instanceof EndpointHealth.NotTheEndpointsFault cf) {
                cause = cf.getCause();
                endpointsFault = false;
            }
            attemptSpan.setAttribute("error.type", cause.getClass().getSimpleName()).end();
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
        }));
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

    /**
     * Sends one attempt. Completes with the translated {@link Completion} (JSON), or with
     * {response, first chunk} once the first stream bytes arrived; fails with {@link AttemptFailure}.
     */
    private CompletionStage<Object> send(ProviderAdapter adapter, UpstreamCall call) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        RequestOptions options = UpstreamTarget.of(call.url()).post();
        call.headers().forEach(options::putHeader);
        long ttfbConfigured = request.stream() ? svc.config.upstream().firstByteTimeout().toMillis()
                : svc.config.upstream().responseTimeout().toMillis();
        long ttfb = Math.max(1, Math.min(ttfbConfigured, remainingMs()));
        long sentAt = System.nanoTime();
        upstreamCut = false;
        long[] timer = new long[] { svc.vertx.setTimer(ttfb, t -> {
            // the timeout is the failure; the reset's own error (reported inside reset()) comes second
            fail(result, new AttemptFailure(0, null, -1, true, "no first byte within " + ttfb + " ms"), false);
            if (upstreamRequest != null) {
                cutUpstream(upstreamRequest);
            }
        }) };
        svc.clients.upstream().request(options).onFailure(e -> {
            svc.vertx.cancelTimer(timer[0]);
            fail(result, new AttemptFailure(0, null, -1, false, "connection failed: " + e.getMessage()), localExhaustion(e));
        }).onSuccess(req -> {
            if (finished || result.isDone()) {
                // refused, abandoned or timed out while this call waited for a connection: never send it
                svc.vertx.cancelTimer(timer[0]);
                req.reset();
                fail(result, new AttemptFailure(0, null, -1, false, "request ended before sending"), true);
                return;
            }
            upstreamRequest = req;
            req.exceptionHandler(e -> {
                svc.vertx.cancelTimer(timer[0]);
                fail(result, new AttemptFailure(0, null, -1, false, "upstream failed: " + e.getMessage()), false);
            });
            req.send(call.body()).onFailure(e -> {
                svc.vertx.cancelTimer(timer[0]);
                fail(result, new AttemptFailure(0, null, -1, false, "upstream failed: " + e.getMessage()), false);
            }).onSuccess(resp -> {
                int status = resp.statusCode();
                if (status >= 300 || !request.stream()) {
                    resp.body().onComplete(ar -> {
                        svc.vertx.cancelTimer(timer[0]);
                        released(req); // answered: its connection may already serve another request
                        upstreamNanos += System.nanoTime() - sentAt;
                        if (ar.failed()) {
                            fail(result, new AttemptFailure(0, null, -1, false,
                                    "upstream body failed: " + ar.cause().getMessage()), false);
                            return;
                        }
                        if (status >= 300) {
                            AttemptFailure f = failure(adapter, resp, ar.result());
                            // client faults complete the stage without tripping the breaker
                            fail(result, f, f.clientFault());
                            return;
                        }
                        try {
                            result.complete(adapter.response(Json.parse(ar.result())));
                        } catch (RuntimeException e) {
                            fail(result, new AttemptFailure(502, null, -1, false,
                                    "malformed provider answer: " + e.getMessage()), false);
                        }
                    });
                    return;
                }
                // stream: success means the first body bytes arrived; no token has reached the client yet
                StreamTap[] tap = new StreamTap[1];
                tap[0] = new StreamTap(resp, first -> {
                    svc.vertx.cancelTimer(timer[0]);
                    firstByteNanos = System.nanoTime();
                    upstreamNanos += firstByteNanos - sentAt;
                    result.complete(tap[0]);
                }, () -> {
                    svc.vertx.cancelTimer(timer[0]);
                    released(req);
                    fail(result, new AttemptFailure(502, null, -1, false, "upstream ended without data"), false);
                }, e -> {
                    svc.vertx.cancelTimer(timer[0]);
                    fail(result, new AttemptFailure(0, null, -1, false, "upstream cut: " + e.getMessage()), false);
                });
            });
            // the provider's request is on its way: now the script, on the request's own loop (the
            // bulkhead may have started this attempt elsewhere)
            if (Thread.currentThread() == loop) {
                startDeferredAdmission();
            } else {
                context.runOnContext(v -> startDeferredAdmission());
            }
        });
        return result;
    }

    /**
     * Fails an attempt. Failures that are not the endpoint's (the client's 4xx, a client that already
     * left, our own resource limits) are wrapped so the endpoint's circuit breaker does not count them.
     */
    private void fail(CompletableFuture<Object> result, AttemptFailure failure, boolean notTheEndpoint) {
        result.completeExceptionally(notTheEndpoint || cancelled ? new EndpointHealth.NotTheEndpointsFault(failure) : failure);
    }

    /** Connection failures caused by this process's limits (open files, a full connection pool). */
    private static boolean localExhaustion(Throwable e) {
        if (e instanceof ConnectionPoolTooBusyException) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Too many open files")) {
                return true;
            }
        }
        return false;
    }

    private static AttemptFailure failure(ProviderAdapter adapter, HttpClientResponse resp, Buffer body) {
        JsonNode json;
        try {
            json = Json.parse(body);
        } catch (RuntimeException e) {
            json = Json.NODES.textNode(body.length() > 200 ? body.getString(0, 200) : body.toString());
        }
        UpstreamError error = adapter.error(resp.statusCode(), json);
        long retryAfter = -1;
        String ra = resp.getHeader("Retry-After");
        if (ra != null) {
            try {
                retryAfter = (long) (Double.parseDouble(ra.trim()) * 1000);
            } catch (NumberFormatException ignored) {
                retryAfter = -1;
            }
        }
        return new AttemptFailure(resp.statusCode(), error, retryAfter, false,
                "HTTP " + resp.statusCode() + (error.message() == null ? "" : ": " + error.message()));
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

    private static ObjectNode usageJson(TokenUsage u, BigDecimal cost) {
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

    private String overhead() {
        long micros = Math.max(0, (System.nanoTime() - started - upstreamNanos) / 1000);
        long frac = micros % 1000;
        return (micros / 1000) + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }

    // ---------------------------------------------------------------- streaming

    private void keepalive() {
        keepaliveTimer = -1;
        if (finished || firstTokenSent) {
            return;
        }
        if (ticket == null) { // no status line before the admission answered
            keepaliveTimer = svc.vertx.setTimer(svc.config.stream().keepaliveInterval().toMillis(), t -> keepalive());
            return;
        }
        sendStreamHeaders();
        ctx.response().write(PROCESSING);
        keepaliveTimer = svc.vertx.setTimer(svc.config.stream().keepaliveInterval().toMillis(), t -> keepalive());
    }

    private void sendStreamHeaders() {
        if (headersSent) {
            return;
        }
        headersSent = true;
        ctx.response().setChunked(true);
        ctx.response().putHeader("Content-Type", "text/event-stream");
        ctx.response().putHeader("Cache-Control", "no-cache");
        ctx.response().putHeader("X-Gateway-Overhead-Ms", overhead());
    }

    private void streamStarted(ProviderAdapter adapter, StreamTap tap) {
        HttpClientResponse resp = tap.response;
        if (finished) {
            cutUpstream(resp.request());
            return;
        }
        streaming = resp;
        StreamDecoder decoder = adapter.decoder(this);
        SseParser parser = new SseParser((event, data) -> {
            if (finished || upstreamDone) {
                return;
            }
            try {
                decoder.onEvent(event, data);
            } catch (RuntimeException e) {
                fail("malformed event from provider");
            }
        });
        long idle = svc.config.upstream().interChunkTimeout().toMillis();
        long total = svc.config.upstream().totalTimeout().toMillis();
        long totalTimer = svc.vertx.setTimer(total, t -> {
            if (finished && upstreamRequest != null) {
                cutUpstream(upstreamRequest); // [DONE] came, but the provider never closed the stream
            }
            fail("stream exceeded " + total + " ms");
        });
        resetIdle(resp, idle);
        tap.attach(new StreamTap.Listener() {
            @Override
            public void chunk(Buffer chunk) {
                if (finished) {
                    return;
                }
                resetIdle(resp, idle);
                if (batched == null) {
                    // reads of this event-loop turn (Netty reads a socket several times per turn) are
                    // translated into one buffer, written once when the turn ends
                    batched = Buffer.buffer(1024);
                    context.runOnContext(v -> flushBatched());
                }
                parser.feed(chunk);
            }

            @Override
            public void end() {
                svc.vertx.cancelTimer(totalTimer);
                released(resp.request());
                cancelIdle();
                parser.end();
                if (!finished) {
                    done(); // ended without its sentinel: finish promptly with what we have
                }
            }

            @Override
            public void error(Throwable error) {
                svc.vertx.cancelTimer(totalTimer);
                cancelIdle();
                if (!upstreamDone && !upstreamCut) {
                    fail("upstream connection lost mid-stream");
                }
            }
        });
    }

    /**
     * Cuts the upstream call. Its connection lives on this event loop, so Vert.x may report the
     * reset's own error inside this call: that error is ours, not the provider's, and is ignored.
     */
    private void cutUpstream(HttpClientRequest upstream) {
        upstreamCut = true;
        upstream.reset();
    }

    /**
     * Forgets a call whose answer was read to the end. Resetting it later would close its HTTP/1.1
     * connection, which the pool may by then have lent to another request.
     */
    private void released(HttpClientRequest upstream) {
        if (upstreamRequest == upstream) {
            upstreamRequest = null;
        }
    }

    private void resetIdle(HttpClientResponse resp, long idle) {
        cancelIdle();
        idleTimer = svc.vertx.setTimer(idle, t -> fail("provider stalled for " + idle + " ms"));
    }

    private void cancelIdle() {
        if (idleTimer >= 0) {
            svc.vertx.cancelTimer(idleTimer);
            idleTimer = -1;
        }
    }

    private ObjectNode chunkBase() {
        ObjectNode chunk = Json.object();
        chunk.put("id", generationId);
        chunk.put("provider", active.providerName());
        chunk.put("model", active.model().id());
        chunk.put("object", request.legacyCompletion() ? "text_completion" : "chat.completion.chunk");
        chunk.put("created", created);
        if (fingerprint != null) {
            // optional but not nullable in OpenRouter's chunk schema; strict clients reject null
            chunk.put("system_fingerprint", fingerprint);
        }
        return chunk;
    }

    private void write(ObjectNode chunk) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        sendStreamHeaders();
        if (keepaliveTimer >= 0) {
            svc.vertx.cancelTimer(keepaliveTimer);
            keepaliveTimer = -1;
        }
        if (batched != null) {
            // events read in this event-loop turn go out in one write at its end (nothing waits for
            // anything that has not arrived yet)
            batched.appendString("data: ").appendBuffer(Json.buffer(chunk)).appendString("\n\n");
            return;
        }
        Buffer b = Buffer.buffer(256).appendString("data: ").appendBuffer(Json.buffer(chunk)).appendString("\n\n");
        ctx.response().write(b);
        applyBackpressure();
    }

    /** Writes what the upstream reads of this event-loop turn produced, as one write. */
    private void flushBatched() {
        Buffer out = batched;
        batched = null;
        if (out == null || out.length() == 0 || ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response().write(out);
        applyBackpressure();
    }

    private void applyBackpressure() {
        if (streaming != null && ctx.response().writeQueueFull()) {
            // a slow client slows the provider down instead of filling our memory
            HttpClientResponse upstream = streaming;
            upstream.pause();
            ctx.response().drainHandler(v -> upstream.resume());
        }
    }

    @Override
    public void delta(int index, ObjectNode delta, String finish, String nativeFinish) {
        if (finished) {
            return;
        }
        JsonNode content = delta.get("content");
        if (content != null && content.isTextual()) {
            streamed.append(content.asText());
        }
        if (delta.has("reasoning") && delta.get("reasoning").isTextual()) {
            streamed.append(delta.get("reasoning").asText());
        }
        if (finish != null) {
            finishReason = finish;
            nativeFinishReason = nativeFinish;
        }
        if (!firstTokenSent) {
            firstTokenSent = true;
            ttftMs = (System.nanoTime() - started) / 1_000_000;
        }
        ObjectNode chunk = chunkBase();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", index);
        if (request.legacyCompletion()) {
            choice.put("text", content == null || content.isNull() ? "" : content.asText());
        } else {
            choice.set("delta", delta);
        }
        choice.put("finish_reason", finish);
        choice.put("native_finish_reason", nativeFinish);
        write(chunk);
    }

    @Override
    public void usage(TokenUsage usage) {
        if (usage.present) {
            streamUsage = usage;
        }
    }

    @Override
    public void meta(String upstreamId, String systemFingerprint) {
        if (upstreamId != null && this.upstreamId == null) {
            this.upstreamId = upstreamId;
        }
        if (systemFingerprint != null) {
            this.fingerprint = systemFingerprint;
        }
    }

    @Override
    public void done() {
        if (finished) {
            return;
        }
        upstreamDone = true;
        cancelIdle();
        TokenUsage u = usageOrEstimate();
        BigDecimal cost = Pricer.cost(active, u);
        ObjectNode chunk = chunkBase();
        chunk.putArray("choices");
        chunk.set("usage", usageJson(u, cost));
        write(chunk);
        endStream();
        finish(active, u, !streamUsage.present, cost, UsageEvent.STATUS_SUCCESS, 200,
                finishReason == null ? "stop" : finishReason, nativeFinishReason, null, upstreamId);
    }

    @Override
    public void fail(String message) {
        if (finished) {
            return;
        }
        cancelIdle();
        if (upstreamRequest != null) {
            cutUpstream(upstreamRequest);
        }
        TokenUsage u = usageOrEstimate();
        BigDecimal cost = Pricer.cost(active, u);
        ObjectNode chunk = chunkBase();
        chunk.putObject("error").put("code", 502).put("message", message);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta").put("content", "");
        choice.put("finish_reason", "error");
        choice.put("native_finish_reason", "error");
        chunk.set("usage", usageJson(u, cost));
        write(chunk);
        endStream();
        // billed for what was generated before the failure
        finish(active, u, !streamUsage.present, cost, UsageEvent.STATUS_ERROR, 502, "error", null, message, upstreamId);
    }

    private void endStream() {
        if (!ctx.response().ended() && !ctx.response().closed()) {
            Buffer out = batched;
            batched = null;
            ctx.response().end(out == null || out.length() == 0 ? DONE : out.appendBuffer(DONE));
        }
    }

    private TokenUsage usageOrEstimate() {
        if (streamUsage.present) {
            return streamUsage;
        }
        return TokenUsage.of(Tokens.prompt(request.body()), Tokens.count(streamed.toString()), 0, 0);
    }

    // ---------------------------------------------------------------- endings

    private void onClientGone() {
        // A connection closed after the whole answer was written (e.g. a client that asked for an
        // h2c upgrade, or Connection: close) is not a cancellation: the answer was delivered.
        if (finished || ctx.response().ended()) {
            return;
        }
        cancelled = true;
        if (upstreamRequest != null) {
            cutUpstream(upstreamRequest);
        }
        if (active != null && request.stream()) {
            TokenUsage u = usageOrEstimate();
            finish(active, u, !streamUsage.present, Pricer.cost(active, u), UsageEvent.STATUS_CANCELLED, 499,
                    finishReason, nativeFinishReason, "client disconnected", upstreamId);
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
        giveUp(new GatewayException(status, message, Map.of("attempts", attemptsMeta()),
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
        if (request.stream() && headersSent) {
            ObjectNode chunk = Json.object();
            chunk.put("id", generationId);
            chunk.put("object", "chat.completion.chunk");
            chunk.put("created", created);
            chunk.put("model", request.models().get(0));
            chunk.putObject("error").put("code", e.status()).put("message", e.getMessage());
            ObjectNode choice = chunk.putArray("choices").addObject();
            choice.put("index", 0);
            choice.putObject("delta").put("content", "");
            choice.put("finish_reason", "error");
            write(chunk);
            endStream();
        } else {
            if (keepaliveTimer >= 0) {
                svc.vertx.cancelTimer(keepaliveTimer);
            }
            ChatService.fail(ctx, e);
        }
        finish(null, TokenUsage.of(0, 0, 0, 0), false, BigDecimal.ZERO, UsageEvent.STATUS_ERROR, e.status(), "error",
                null, e.getMessage(), null);
    }

    private List<Map<String, Object>> attemptsMeta() {
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

    private void finish(Candidate c, TokenUsage u, boolean estimated, BigDecimal cost, String status, int httpStatus,
            String finish, String nativeFinish, String error, String upstream) {
        if (finished) {
            return;
        }
        finished = true;
        cancelIdle();
        if (keepaliveTimer >= 0) {
            svc.vertx.cancelTimer(keepaliveTimer);
        }
        long costMicros = Admission.micros(cost);
        if (ticket != null) {
            svc.settlements.settle(ticket, costMicros);
        } else {
            unsettledMicros = costMicros; // settled when the admission answers
        }
        long latencyMs = (System.nanoTime() - started) / 1_000_000;
        long genMs = firstByteNanos > 0 ? (System.nanoTime() - firstByteNanos) / 1_000_000 : 0;
        UsageEvent event = new UsageEvent(generationId, created, key.keyHash(), key.accountId(), request.models().get(0),
                c == null ? null : c.model().id(), c == null ? null : c.providerSlug(), c == null ? null : c.endpointId(),
                c == null ? null : c.endpoint().providerModel(), upstream, List.copyOf(attempts), u.prompt, u.completion,
                u.reasoning, u.cached, estimated, cost, costMicros, latencyMs, ttftMs, genMs, request.stream(),
                UsageEvent.STATUS_CANCELLED.equals(status), status, httpStatus, finish, nativeFinish, error,
                ctx.request().getHeader("HTTP-Referer"), ctx.request().getHeader("X-Title"), producerSpan());
        svc.usage.publish(event);
        span.setAttribute("gen_ai.response.model", c == null ? "" : c.model().id());
        span.setAttribute("gen_ai.usage.input_tokens", u.prompt);
        span.setAttribute("gen_ai.usage.output_tokens", u.completion);
        if (finish != null) {
            span.setAttribute(io.opentelemetry.api.common.AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"),
                    List.of(finish));
        }
        span.setAttribute("gateway.generation_id", generationId);
        span.end();
        String model = c == null ? "none" : c.model().id();
        String provider = c == null ? "none" : c.providerSlug();
        long elapsed = System.nanoTime() - started;
        svc.meters.finished(model, provider, status, u.prompt, u.completion, cost, elapsed, ttftMs, elapsed - upstreamNanos);
    }

    /** The usage event's producer span (ended at once: the XADD itself is batched in the background). */
    private String producerSpan() {
        Span producer = svc.tracer.spanBuilder("publish " + svc.usage.streamName()).setSpanKind(SpanKind.PRODUCER)
                .setParent(io.opentelemetry.context.Context.current().with(span))
                .setAttribute("messaging.system", "redis").setAttribute("messaging.destination.name", svc.usage.streamName())
                .setAttribute("gateway.generation_id", generationId).startSpan();
        producer.end();
        SpanContext sc = producer.getSpanContext();
        return sc.isValid() ? "00-" + sc.getTraceId() + "-" + sc.getSpanId() + "-" + sc.getTraceFlags().asHex() : null;
    }

    static String newGenerationId() {
        StringBuilder sb = new StringBuilder("gen-").append(System.currentTimeMillis() / 1000).append('-');
        for (int i = 0; i < 20; i++) {
            // an identifier, not a secret: ThreadLocalRandom avoids SecureRandom's lock and syscalls
            sb.append(ALNUM.charAt(ThreadLocalRandom.current().nextInt(ALNUM.length())));
        }
        return sb.toString();
    }

    boolean circuitOpen(String endpointId) {
        return svc.health.state(endpointId) == CircuitBreakerState.OPEN;
    }
}
