package io.llmgateway.routing.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.routing.adapter.Completion;
import io.llmgateway.routing.adapter.Json;
import io.llmgateway.routing.adapter.ProviderAdapter;
import io.llmgateway.routing.adapter.UpstreamCall;
import io.llmgateway.routing.adapter.UpstreamError;
import io.llmgateway.routing.client.UpstreamTarget;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One upstream HTTP attempt of an {@link Exchange}, as the endpoint's guard runs it: its outcome is
 * what the circuit breaker counts, so it tells the endpoint's failures from ours and the client's.
 * One object per attempt holds what the attempt's callbacks share (the outcome, the first-byte timer).
 */
final class UpstreamSend {

    private final Exchange x;
    private final CompletableFuture<Object> result = new CompletableFuture<>();
    private long timer;

    UpstreamSend(Exchange x) {
        this.x = x;
    }

    /**
     * Sends the attempt. Completes with the translated {@link Completion} (JSON), or with the
     * {@link StreamTap} once the first stream bytes arrived; fails with {@link AttemptFailure}.
     */
    CompletionStage<Object> send(ProviderAdapter adapter, UpstreamCall call) {
        RequestOptions options = UpstreamTarget.of(call.url()).post();
        call.headers().forEach(options::putHeader);
        long ttfbConfigured = x.request.stream() ? x.svc.config.upstream().firstByteTimeout().toMillis()
                : x.svc.config.upstream().responseTimeout().toMillis();
        long ttfb = Math.max(1, Math.min(ttfbConfigured, x.remainingMs()));
        long sentAt = System.nanoTime();
        x.upstreamCut = false;
        timer = x.svc.vertx.setTimer(ttfb, t -> {
            // the timeout is the failure; the reset's own error (reported inside reset()) comes second
            fail(new AttemptFailure(0, null, -1, true, "no first byte within " + ttfb + " ms"), false);
            x.cutUpstream();
        });
        x.svc.clients.upstream().request(options).onFailure(e -> {
            fail(new AttemptFailure(0, null, -1, false, "connection failed: " + e.getMessage()), localExhaustion(e));
        }).onSuccess(req -> {
            if (x.finished || result.isDone()) {
                // refused, abandoned or timed out while this call waited for a connection: never send it
                req.reset();
                fail(new AttemptFailure(0, null, -1, false, "request ended before sending"), true);
                return;
            }
            x.upstreamRequest = req;
            req.exceptionHandler(e -> {
                fail(new AttemptFailure(0, null, -1, false, "upstream failed: " + e.getMessage()), false);
            });
            req.send(call.body()).onFailure(e -> {
                fail(new AttemptFailure(0, null, -1, false, "upstream failed: " + e.getMessage()), false);
            }).onSuccess(resp -> {
                int status = resp.statusCode();
                if (status >= 300 || !x.request.stream()) {
                    resp.body().onComplete(ar -> {
                        x.svc.vertx.cancelTimer(timer);
                        x.released(req); // answered: its connection may already serve another request
                        x.upstreamNanos += System.nanoTime() - sentAt;
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
                            result.complete(adapter.response(Json.parse(ar.result())));
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
                    x.svc.vertx.cancelTimer(timer);
                    x.firstByteNanos = System.nanoTime();
                    x.upstreamNanos += x.firstByteNanos - sentAt;
                    result.complete(tap[0]);
                }, () -> {
                    x.released(req);
                    fail(new AttemptFailure(502, null, -1, false, "upstream ended without data"), false);
                }, e -> {
                    fail(new AttemptFailure(0, null, -1, false, "upstream cut: " + e.getMessage()), false);
                });
            });
            // the provider's request is on its way: now the script, on the request's own loop (the
            // bulkhead may have started this attempt elsewhere)
            if (Thread.currentThread() == x.loop) {
                x.startDeferredAdmission();
            } else {
                x.context.runOnContext(v -> x.startDeferredAdmission());
            }
        });
        return result;
    }

    /**
     * Fails the attempt. Failures that are not the endpoint's (the client's 4xx, a client that already
     * left, our own resource limits) are wrapped so the endpoint's circuit breaker does not count them.
     */
    private void fail(AttemptFailure failure, boolean notTheEndpoint) {
        x.svc.vertx.cancelTimer(timer); // the first-byte timer, if it has not fired
        result.completeExceptionally(notTheEndpoint || x.cancelled ? new EndpointHealth.NotTheEndpointsFault(failure) : failure);
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
