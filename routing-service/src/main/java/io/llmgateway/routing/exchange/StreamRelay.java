package io.llmgateway.routing.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.routing.canonical.CanonicalRequest;
import io.llmgateway.routing.canonical.StreamSink;
import io.llmgateway.routing.canonical.StreamWriter;
import io.llmgateway.routing.canonical.TokenUsage;
import io.llmgateway.routing.selection.Candidate;
import io.llmgateway.routing.selection.Pricer;
import io.llmgateway.routing.upstream.SseParser;
import io.llmgateway.routing.upstream.StreamTap;
import io.llmgateway.routing.upstream.UpstreamAttempt;
import io.llmgateway.routing.upstream.protocol.ProviderAdapter;
import io.llmgateway.routing.upstream.protocol.ReasoningAsk;
import io.llmgateway.routing.upstream.protocol.ReasoningDetails;
import io.llmgateway.routing.upstream.protocol.StreamDecoder;
import io.llmgateway.routing.usage.Ending;
import io.llmgateway.routing.usage.RequestClock;
import io.llmgateway.routing.usage.PromptText;
import io.llmgateway.routing.usage.StreamedUsage;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import java.math.BigDecimal;
import java.util.function.BiConsumer;

/**
 * The client's SSE stream of a streaming {@link Exchange}: created with the exchange, because the
 * client's stream starts (keepalive comments) before any provider answered and may end with an error
 * event when none does. Once an attempt succeeded it relays the provider's stream, decoded into
 * canonical deltas and rendered by the ingress format's {@link StreamWriter}, chunk by chunk. Its
 * result, how the stream ended, goes back to the exchange as an {@link Ending}; a failure after the
 * first token ends the stream with an error event and bills what was generated. It is both the
 * decoder's {@link StreamSink} and the upstream's {@link StreamTap.Listener}, so a stream costs one
 * object for both roles. Runs on the exchange's event loop.
 */
final class StreamRelay implements StreamSink, StreamTap.Listener {

    private final ExchangeServices services;
    private final HttpServerResponse response;
    private final Context context;
    private final StreamWriter writer;
    /** The prompt, for the estimate; known once the stream started (its request's tree is let go then). */
    private PromptText prompt;
    private final RequestClock clock;
    /** The exchange's ending: journals the usage event, runs the answer's last bytes, then the rest. */
    private final BiConsumer<Ending, Runnable> onEnd;
    private long keepaliveTimer = -1;
    /**
     * One timer per relayed stream for both limits, the provider's silence and the stream's total
     * time: a chunk only moves {@link #lastChunkMs}, and the timer, when it fires, arms itself again for
     * the nearer limit. With 50,000 open streams a timer re-armed on every chunk cost a scheduled task
     * and a timer entry per chunk, and a second timer per stream (docs/benchmarks.md, Streams run).
     */
    private long deadlineTimer = -1;
    private long lastChunkMs;
    private long endByMs;
    private long totalMs;
    private boolean admitted;
    /** The exchange ended: nothing more is written or reported. */
    private boolean closed;
    private boolean headersSent;
    private boolean firstTokenSent;
    /** Output of the upstream reads of the current event-loop turn, written once at its end. */
    private Buffer batched;
    /** Null until an attempt's stream is relayed. */
    private Candidate active;
    private UpstreamAttempt attempt;
    private HttpClientResponse streaming;
    private SseParser parser;
    private long idleMs;
    private final StreamedUsage usage = new StreamedUsage();
    private String finishReason;
    private String nativeFinishReason;
    private String upstreamId;
    private boolean upstreamDone;

    StreamRelay(ExchangeServices services, HttpServerResponse response, Context context, StreamWriter writer,
            RequestClock clock, BiConsumer<Ending, Runnable> onEnd) {
        this.services = services;
        this.response = response;
        this.context = context;
        this.writer = writer;
        this.clock = clock;
        this.onEnd = onEnd;
    }

    // ---------------------------------------------------------------- before the provider's stream

    void startKeepalive() {
        keepaliveTimer = services.vertx().setTimer(services.config().stream().firstKeepalive().toMillis(),
                t -> keepalive());
    }

    /** The admission answered yes: the status line may go out. */
    void admitted() {
        admitted = true;
    }

    private void keepalive() {
        keepaliveTimer = -1;
        if (closed || firstTokenSent) {
            return;
        }
        if (admitted) { // no status line before the admission answered
            sendStreamHeaders();
            response.write(writer.keepalive());
        }
        keepaliveTimer = services.vertx().setTimer(services.config().stream().keepaliveInterval().toMillis(),
                t -> keepalive());
    }

    private void sendStreamHeaders() {
        if (headersSent) {
            return;
        }
        headersSent = true;
        response.setChunked(true);
        response.putHeader("Content-Type", "text/event-stream");
        response.putHeader("Cache-Control", "no-cache");
        response.putHeader("X-Gateway-Overhead-Ms", clock.overhead());
    }

    /** The status line went out (keepalive): from then on an error can only be told as an event. */
    boolean headersSent() {
        return headersSent;
    }

    /** Whether a provider's stream is being relayed (the client may be owed a bill for it). */
    boolean relaying() {
        return active != null;
    }

    void cancelKeepalive() {
        if (keepaliveTimer >= 0) {
            services.vertx().cancelTimer(keepaliveTimer);
            keepaliveTimer = -1;
        }
    }

    /** The exchange ended: no timer may fire into it, nothing more is relayed. */
    void close() {
        closed = true;
        cancelKeepalive();
    }

    /** Ends a stream no provider answered (the exchange gave up after the status line went out). */
    void refuse(GatewayException e) {
        Buffer out = Buffer.buffer(256);
        writer.refused(out, e);
        end(out);
    }

    // ---------------------------------------------------------------- the provider's stream

    void start(Candidate c, ProviderAdapter adapter, StreamTap tap, UpstreamAttempt attempt, CanonicalRequest request) {
        active = c;
        prompt = PromptText.of(request.body());
        this.attempt = attempt;
        writer.begin(c.providerName(), c.model().id());
        if (closed) {
            attempt.cut();
            return;
        }
        streaming = tap.response;
        StreamDecoder decoder = adapter.decoder(ReasoningAsk.of(request.body()).exclude() ? ReasoningDetails.exclude(this)
                : this);
        parser = new SseParser((event, data) -> {
            if (closed || upstreamDone) {
                return;
            }
            try {
                decoder.onEvent(event, data);
            } catch (RuntimeException e) {
                fail("malformed event from provider");
            }
        });
        idleMs = services.config().upstream().interChunkTimeout().toMillis();
        totalMs = services.config().upstream().totalTimeout().toMillis();
        lastChunkMs = nowMs();
        endByMs = lastChunkMs + totalMs;
        armDeadline();
        tap.attach(this);
    }

    @Override
    public void chunk(Buffer chunk) {
        if (closed) {
            return;
        }
        lastChunkMs = nowMs();
        // reads of this event-loop turn are translated into one buffer, written once when the turn
        // ends; until the first token is out, a read is written at once so that it is not delayed
        boolean now = batched == null && !firstTokenSent;
        if (batched == null) {
            batched = Buffer.buffer(1024);
            if (!now) {
                context.runOnContext(v -> flushBatched());
            }
        }
        parser.feed(chunk);
        if (now) {
            flushBatched();
        }
    }

    @Override
    public void end() {
        cancelDeadline();
        attempt.released();
        parser.end();
        if (!closed) {
            done(); // ended without its sentinel: finish promptly with what we have
        }
    }

    @Override
    public void error(Throwable error) {
        cancelDeadline();
        boolean cutByUs = attempt.cutByUs();
        // the provider's stream is gone: resetting it again would write to a connection in error,
        // whose error Vert.x hands to every stream on it, each of which reset it again (with 10,000
        // streams on a few connections that blocked an event loop for 90 s; docs/benchmarks.md)
        attempt.released();
        if (!upstreamDone && !cutByUs) {
            fail("upstream connection lost mid-stream");
        }
    }

    private static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }

    /** Silence counts only while the client still waits for the provider's tokens. */
    private boolean watchingSilence() {
        return !closed && !upstreamDone;
    }

    private void armDeadline() {
        long due = watchingSilence() ? Math.min(lastChunkMs + idleMs, endByMs) : endByMs;
        deadlineTimer = services.vertx().setTimer(Math.max(1, due - nowMs()), t -> deadlineReached());
    }

    private void deadlineReached() {
        deadlineTimer = -1;
        long now = nowMs();
        if (now >= endByMs) {
            if (closed) {
                attempt.cut(); // the stream ended, but the provider never closed it
            }
            fail("stream exceeded " + totalMs + " ms");
        } else if (watchingSilence() && now - lastChunkMs >= idleMs) {
            fail("provider stalled for " + idleMs + " ms");
        } else {
            armDeadline();
        }
    }

    private void cancelDeadline() {
        if (deadlineTimer >= 0) {
            services.vertx().cancelTimer(deadlineTimer);
            deadlineTimer = -1;
        }
    }

    // ---------------------------------------------------------------- to the client

    /** The buffer this event goes into: the turn's batch, or a fresh one written at once. */
    private Buffer out() {
        return batched != null ? batched : Buffer.buffer(256);
    }

    private void emit(Buffer out) {
        if (response.ended() || response.closed()) {
            return;
        }
        sendStreamHeaders();
        cancelKeepalive();
        if (out != batched) {
            response.write(out);
            applyBackpressure();
        }
    }

    /** Writes what the upstream reads of this event-loop turn produced, as one write. */
    private void flushBatched() {
        Buffer out = batched;
        batched = null;
        if (out == null || out.length() == 0 || response.ended() || response.closed()) {
            return;
        }
        response.write(out);
        applyBackpressure();
    }

    private void applyBackpressure() {
        if (streaming != null && response.writeQueueFull()) {
            // a slow client slows the provider down instead of filling our memory
            HttpClientResponse upstream = streaming;
            upstream.pause();
            response.drainHandler(v -> upstream.resume());
        }
    }

    /** Ends the client's stream with what is batched and the ending's bytes. */
    private void end(Buffer last) {
        if (!response.ended() && !response.closed()) {
            sendStreamHeaders();
            cancelKeepalive();
            Buffer out = batched;
            batched = null;
            response.end(out == null || out.length() == 0 ? last : out.appendBuffer(last));
        }
    }

    // ---------------------------------------------------------------- StreamSink

    @Override
    public void delta(int index, ObjectNode delta, String finish, String nativeFinish) {
        if (closed) {
            return;
        }
        JsonNode content = delta.get("content");
        if (content != null && content.isTextual()) {
            usage.generated(content.asText());
        }
        JsonNode reasoning = delta.get("reasoning");
        if (reasoning != null && reasoning.isTextual()) {
            usage.generated(reasoning.asText());
        }
        if (finish != null) {
            finishReason = finish;
            nativeFinishReason = nativeFinish;
        }
        if (!firstTokenSent) {
            firstTokenSent = true;
            clock.firstToken();
        }
        Buffer out = out();
        writer.delta(out, index, delta, finish, nativeFinish);
        emit(out);
    }

    @Override
    public void usage(TokenUsage reported) {
        usage.reported(reported);
    }

    @Override
    public void meta(String upstreamId, String systemFingerprint) {
        if (upstreamId != null && this.upstreamId == null) {
            this.upstreamId = upstreamId;
        }
        writer.meta(upstreamId, systemFingerprint);
    }

    @Override
    public void done() {
        if (closed) {
            return;
        }
        upstreamDone = true;
        TokenUsage u = usage.usage(prompt);
        BigDecimal cost = Pricer.cost(active, u);
        Buffer last = Buffer.buffer(512);
        writer.done(last, u, cost);
        onEnd.accept(Ending.success(active, u, usage.estimated(), cost,
                finishReason == null ? "stop" : finishReason, nativeFinishReason, upstreamId), () -> end(last));
    }

    @Override
    public void fail(String message) {
        if (closed) {
            return;
        }
        attempt.cut();
        TokenUsage u = usage.usage(prompt);
        BigDecimal cost = Pricer.cost(active, u);
        Buffer last = Buffer.buffer(512);
        writer.failed(last, message, u, cost);
        // billed for what was generated before the failure
        onEnd.accept(new Ending(active, u, usage.estimated(), cost, UsageEvent.STATUS_ERROR, 502, "error", null,
                message, upstreamId), () -> end(last));
    }

    /** The client left mid-stream: how it ended, billed for what was generated until then. */
    Ending clientGone() {
        TokenUsage u = usage.usage(prompt);
        return new Ending(active, u, usage.estimated(), Pricer.cost(active, u), UsageEvent.STATUS_CANCELLED, 499,
                finishReason, nativeFinishReason, "client disconnected", upstreamId);
    }
}
