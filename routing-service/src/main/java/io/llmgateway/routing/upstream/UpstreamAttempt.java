package io.llmgateway.routing.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.routing.canonical.Completion;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.upstream.protocol.ProviderAdapter;
import io.llmgateway.routing.upstream.protocol.UpstreamCall;
import io.llmgateway.routing.upstream.protocol.UpstreamError;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One upstream HTTP attempt, as the endpoint's guard runs it: its outcome is what the circuit
 * breaker counts, so it tells the endpoint's failures from ours and the client's. It owns its call
 * on the wire: the exchange cuts it through {@link #abandon} (client gone, admission refused), the
 * stream relay through {@link #cut} and {@link #released}.
 */
public final class UpstreamAttempt {

    private final HttpClients clients;
    private final Vertx vertx;
    private final ProviderAdapter adapter;
    /** What to send; dropped once sent, so an open stream does not keep the provider's request body. */
    private UpstreamCall call;
    private final Function<JsonNode, Completion> answer;
    private final boolean stream;
    private final long firstByteTimeoutMs;
    private final Runnable onWritten;
    private final CompletableFuture<AttemptOutcome> result = new CompletableFuture<>();
    private long timer;
    /** The call in flight; null before it has a connection and once its answer was read. */
    private HttpClientRequest inFlight;
    private boolean cutByUs;
    private boolean abandoned;
    private long upstreamNanos;
    private long firstByteAt;

    /**
     * @param answer reads a whole answer (the adapter's chat or embeddings reader)
     * @param firstByteTimeoutMs how long to wait for the first byte (already capped by the request's deadline)
     * @param onWritten run once the provider's request is on its way (the optimistic admission waits for it)
     */
    public UpstreamAttempt(HttpClients clients, Vertx vertx, ProviderAdapter adapter, UpstreamCall call,
            Function<JsonNode, Completion> answer, boolean stream, long firstByteTimeoutMs, Runnable onWritten) {
        this.clients = clients;
        this.vertx = vertx;
        this.adapter = adapter;
        this.call = call;
        this.answer = answer;
        this.stream = stream;
        this.firstByteTimeoutMs = Math.max(1, firstByteTimeoutMs);
        this.onWritten = onWritten;
    }

    /** Time this attempt waited on the provider (to its answer, or to a stream's first byte). */
    public long upstreamNanos() {
        return upstreamNanos;
    }

    /** When a stream's first byte arrived (0 for JSON answers). */
    public long firstByteAt() {
        return firstByteAt;
    }

    /** Whether the call was reset by the gateway (its reset's own error is then not the provider's). */
    public boolean cutByUs() {
        return cutByUs;
    }

    /**
     * Sends the attempt. Completes with the outcome: the translated answer (JSON), or the stream's
     * tap once its first bytes arrived; fails with {@link AttemptFailure}.
     */
    public CompletionStage<AttemptOutcome> send() {
        RequestOptions options = UpstreamTarget.of(call.url()).post();
        call.headers().forEach(options::putHeader);
        long ttfb = firstByteTimeoutMs;
        long sentAt = System.nanoTime();
        timer = vertx.setTimer(ttfb, t -> {
            // the timeout is the failure; the reset's own error (reported inside reset()) comes second
            fail(new AttemptFailure(0, null, -1, true, "no first byte within " + ttfb + " ms"), false);
            cut();
        });
        clients.upstream().request(options).onFailure(e -> {
            fail(new AttemptFailure(0, null, -1, false, "connection failed: " + e.getMessage()), localExhaustion(e));
        }).onSuccess(req -> {
            if (abandoned || result.isDone()) {
                // refused, abandoned or timed out while this call waited for a connection: never send it
                req.reset();
                fail(new AttemptFailure(0, null, -1, false, "request ended before sending"), true);
                return;
            }
            inFlight = req;
            req.exceptionHandler(e -> {
                fail(new AttemptFailure(0, null, -1, false, "upstream failed: " + e.getMessage()), false);
            });
            Buffer body = call.body();
            call = null;
            req.send(body).onFailure(e -> {
                fail(new AttemptFailure(0, null, -1, false, "upstream failed: " + e.getMessage()), false);
            }).onSuccess(resp -> {
                int status = resp.statusCode();
                if (status >= 300 || !stream) {
                    resp.body().onComplete(ar -> {
                        vertx.cancelTimer(timer);
                        released(); // answered: its connection may already serve another request
                        upstreamNanos += System.nanoTime() - sentAt;
                        if (ar.failed()) {
                            fail(new AttemptFailure(0, null, -1, false,
                                    "upstream body failed: " + ar.cause().getMessage()), false);
                            return;
                        }
                        if (status >= 300) {
                            AttemptFailure f = failure(adapter, resp, ar.result());
                            // client faults complete the stage without tripping the breaker
                            fail(f, f.clientFault());
                            return;
                        }
                        try {
                            result.complete(new AttemptOutcome(answer.apply(Json.parse(ar.result())), null));
                        } catch (RuntimeException e) {
                            fail(new AttemptFailure(502, null, -1, false,
                                    "malformed provider answer: " + e.getMessage()), false);
                        }
                    });
                    return;
                }
                // stream: success means the first body bytes arrived; no token has reached the client yet
                StreamTap[] tap = new StreamTap[1];
                tap[0] = new StreamTap(resp, first -> {
                    vertx.cancelTimer(timer);
                    firstByteAt = System.nanoTime();
                    upstreamNanos += firstByteAt - sentAt;
                    result.complete(new AttemptOutcome(null, tap[0]));
                }, () -> {
                    released();
                    fail(new AttemptFailure(502, null, -1, false, "upstream ended without data"), false);
                }, e -> {
                    fail(new AttemptFailure(0, null, -1, false, "upstream cut: " + e.getMessage()), false);
                });
            });
            onWritten.run();
        });
        return result;
    }

    /**
     * The request no longer wants an answer (the client left, the admission refused): the call is
     * cut, and its failure is not held against the endpoint.
     */
    public void abandon() {
        abandoned = true;
        cut();
    }

    /**
     * Cuts the call in flight, if there is one. Its connection lives on this event loop, so Vert.x
     * may report the reset's own error inside this call: that error is ours, not the provider's.
     */
    public void cut() {
        if (inFlight != null) {
            cutByUs = true;
            inFlight.reset();
        }
    }

    /**
     * Forgets a call whose answer was read to the end. Resetting it later would close its HTTP/1.1
     * connection, which the pool may by then have lent to another request.
     */
    public void released() {
        inFlight = null;
    }

    /**
     * Fails the attempt. Failures that are not the endpoint's (the client's 4xx, a client that already
     * left, our own resource limits) are wrapped so the endpoint's circuit breaker does not count them.
     */
    private void fail(AttemptFailure failure, boolean notTheEndpoint) {
        vertx.cancelTimer(timer); // the first-byte timer, if it has not fired
        result.completeExceptionally(notTheEndpoint || abandoned ? new EndpointGuards.NotTheEndpointsFault(failure) : failure);
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
}
