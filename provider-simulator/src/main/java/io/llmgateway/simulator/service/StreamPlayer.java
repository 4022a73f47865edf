package io.llmgateway.simulator.service;

import io.llmgateway.simulator.model.Fault;
import io.llmgateway.simulator.protocol.SseEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * Writes one SSE stream event by event on the request's event loop, pacing token-bearing events by
 * tokens_per_second with Vert.x timers (never a sleep) and applying stream faults by event number.
 * Due times are measured from the start, so timer slack does not add up over a long stream.
 */
final class StreamPlayer {

    private final Vertx vertx;
    private final HttpServerResponse response;
    private final List<SseEvent> events;
    private final Fault fault;
    private final long startNanos;
    private final double msPerToken;
    private final long firstDelayMs;
    private int index;
    private long tokensWritten;
    private boolean firstTokenSent;
    /** Completes when the last event reached the socket; a cut waits for it, or Netty would drop unflushed events. */
    private Future<Void> lastWrite = Future.succeededFuture();

    StreamPlayer(Vertx vertx, HttpServerResponse response, List<SseEvent> events, Fault fault, long firstDelayMs,
            double tokensPerSecond) {
        this.vertx = vertx;
        this.response = response;
        this.events = fault.kind() == Fault.Kind.NO_DONE ? events.subList(0, events.size() - 1) : events;
        this.fault = fault;
        this.firstDelayMs = firstDelayMs;
        this.msPerToken = tokensPerSecond > 0 ? 1000.0 / tokensPerSecond : 0;
        this.startNanos = System.nanoTime();
    }

    void start() {
        response.setChunked(true).putHeader("content-type", "text/event-stream")
                .putHeader("cache-control", "no-cache");
        next();
    }

    private void next() {
        while (index < events.size()) {
            if (response.closed()) {
                return; // the client went away: stop generating
            }
            if (fault.kind() == Fault.Kind.CUT_AFTER && index == fault.n()) {
                lastWrite.onComplete(done -> response.close()); // no chunked terminator: a broken stream
                return;
            }
            if (fault.kind() == Fault.Kind.STALL_AFTER && index == fault.n()) {
                if (!response.headWritten()) {
                    response.writeHead(); // the status line is out even when n = 0: the silence comes after
                }
                vertx.setTimer(Math.max(1, fault.ms()), id -> response.close());
                return;
            }
            SseEvent event = events.get(index);
            long due = dueMs(event);
            long elapsed = (System.nanoTime() - startNanos) / 1_000_000;
            if (due > elapsed) {
                vertx.setTimer(due - elapsed, id -> next());
                return;
            }
            if (event.tokens() > 0) {
                if (firstTokenSent) {
                    tokensWritten += event.tokens();
                }
                firstTokenSent = true;
            }
            index++;
            boolean malformed = fault.kind() == Fault.Kind.MALFORMED_AT && index == fault.n();
            lastWrite = response.write((malformed ? event.malformed() : event).render());
        }
        response.end();
    }

    /** The first token comes after ttft; each later token-bearing event after its tokens at the configured rate. */
    private long dueMs(SseEvent event) {
        if (!firstTokenSent) {
            return firstDelayMs; // nothing, not even the role event, comes before the first token
        }
        if (event.tokens() == 0) {
            return 0;
        }
        return firstDelayMs + (long) ((tokensWritten + event.tokens()) * msPerToken);
    }
}
