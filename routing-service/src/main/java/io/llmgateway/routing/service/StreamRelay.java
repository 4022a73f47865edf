package io.llmgateway.routing.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.routing.adapter.Json;
import io.llmgateway.routing.adapter.ProviderAdapter;
import io.llmgateway.routing.adapter.SseParser;
import io.llmgateway.routing.adapter.StreamDecoder;
import io.llmgateway.routing.adapter.StreamSink;
import io.llmgateway.routing.model.Candidate;
import io.llmgateway.routing.model.TokenUsage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.math.BigDecimal;

/**
 * The client's SSE stream of a streaming {@link Exchange}: created with the exchange, because the
 * client's stream starts (keepalive comments) before any provider answered and may end with an error
 * chunk when none does. Once an attempt succeeded it relays the provider's stream, translated chunk by
 * chunk; a failure after that point ends the stream with an error chunk and bills what was generated.
 * It is both the decoder's {@link StreamSink} and the upstream's {@link StreamTap.Listener}, so a
 * stream costs one object for both roles. Runs on the exchange's event loop, like the exchange.
 */
final class StreamRelay implements StreamSink, StreamTap.Listener {

    private static final Buffer PROCESSING = Buffer.buffer(": OPENROUTER PROCESSING\n\n");
    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private final Exchange x;
    private long keepaliveTimer = -1;
    private long idleTimer = -1;
    private boolean headersSent;
    private boolean firstTokenSent;
    /** Output of the upstream reads of the current event-loop turn, written once at its end. */
    private Buffer batched;
    /** Null until an attempt's stream is relayed. */
    private Candidate active;
    private HttpClientResponse streaming;
    private SseParser parser;
    private long idleMs;
    private long totalTimer;
    private TokenUsage streamUsage = new TokenUsage();
    private final StringBuilder streamed = new StringBuilder();
    private String finishReason;
    private String nativeFinishReason;
    private String upstreamId;
    private String fingerprint;
    private boolean upstreamDone;

    StreamRelay(Exchange x) {
        this.x = x;
    }

    // ---------------------------------------------------------------- before the provider's stream

    void startKeepalive() {
        keepaliveTimer = x.svc.vertx.setTimer(x.svc.config.stream().firstKeepalive().toMillis(), t -> keepalive());
    }

    private void keepalive() {
        keepaliveTimer = -1;
        if (x.finished || firstTokenSent) {
            return;
        }
        if (x.ticket == null) { // no status line before the admission answered
            keepaliveTimer = x.svc.vertx.setTimer(x.svc.config.stream().keepaliveInterval().toMillis(), t -> keepalive());
            return;
        }
        sendStreamHeaders();
        x.ctx.response().write(PROCESSING);
        keepaliveTimer = x.svc.vertx.setTimer(x.svc.config.stream().keepaliveInterval().toMillis(), t -> keepalive());
    }

    private void sendStreamHeaders() {
        if (headersSent) {
            return;
        }
        headersSent = true;
        x.ctx.response().setChunked(true);
        x.ctx.response().putHeader("Content-Type", "text/event-stream");
        x.ctx.response().putHeader("Cache-Control", "no-cache");
        x.ctx.response().putHeader("X-Gateway-Overhead-Ms", x.overhead());
    }

    /** The status line went out (keepalive): from then on an error can only be told as a chunk. */
    boolean headersSent() {
        return headersSent;
    }

    /** Whether a provider's stream is being relayed (the client may be owed a bill for it). */
    boolean relaying() {
        return active != null;
    }

    void cancelKeepalive() {
        if (keepaliveTimer >= 0) {
            x.svc.vertx.cancelTimer(keepaliveTimer);
            keepaliveTimer = -1;
        }
    }

    /** The exchange ended: no timer may fire into it. */
    void stopTimers() {
        cancelIdle();
        cancelKeepalive();
    }

    /** Ends a stream no provider answered (the exchange gave up after the status line went out). */
    void endWithError(GatewayException e) {
        ObjectNode chunk = Json.object();
        chunk.put("id", x.generationId);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", x.created);
        chunk.put("model", x.request.models().get(0));
        chunk.putObject("error").put("code", e.status()).put("message", e.getMessage());
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta").put("content", "");
        choice.put("finish_reason", "error");
        write(chunk);
        endStream();
    }

    // ---------------------------------------------------------------- the provider's stream

    void start(Candidate c, ProviderAdapter adapter, StreamTap tap) {
        active = c;
        HttpClientResponse resp = tap.response;
        if (x.finished) {
            x.cutUpstream(resp.request());
            return;
        }
        streaming = resp;
        StreamDecoder decoder = adapter.decoder(this);
        parser = new SseParser((event, data) -> {
            if (x.finished || upstreamDone) {
                return;
            }
            try {
                decoder.onEvent(event, data);
            } catch (RuntimeException e) {
                fail("malformed event from provider");
            }
        });
        idleMs = x.svc.config.upstream().interChunkTimeout().toMillis();
        long total = x.svc.config.upstream().totalTimeout().toMillis();
        totalTimer = x.svc.vertx.setTimer(total, t -> {
            if (x.finished) {
                x.cutUpstream(); // [DONE] came, but the provider never closed the stream
            }
            fail("stream exceeded " + total + " ms");
        });
        resetIdle();
        tap.attach(this);
    }

    @Override
    public void chunk(Buffer chunk) {
        if (x.finished) {
            return;
        }
        resetIdle();
        // reads of this event-loop turn (Netty reads a socket several times per turn) are translated
        // into one buffer, written once when the turn ends; until the first token is out, a read is
        // written at once (waiting for the turn's end cost each first token about 20 µs idle)
        boolean now = batched == null && !firstTokenSent;
        if (batched == null) {
            batched = Buffer.buffer(1024);
            if (!now) {
                x.context.runOnContext(v -> flushBatched());
            }
        }
        parser.feed(chunk);
        if (now) {
            flushBatched();
        }
    }

    @Override
    public void end() {
        x.svc.vertx.cancelTimer(totalTimer);
        x.released(streaming.request());
        cancelIdle();
        parser.end();
        if (!x.finished) {
            done(); // ended without its sentinel: finish promptly with what we have
        }
    }

    @Override
    public void error(Throwable error) {
        x.svc.vertx.cancelTimer(totalTimer);
        cancelIdle();
        if (!upstreamDone && !x.upstreamCut) {
            fail("upstream connection lost mid-stream");
        }
    }

    private void resetIdle() {
        cancelIdle();
        idleTimer = x.svc.vertx.setTimer(idleMs, t -> fail("provider stalled for " + idleMs + " ms"));
    }

    private void cancelIdle() {
        if (idleTimer >= 0) {
            x.svc.vertx.cancelTimer(idleTimer);
            idleTimer = -1;
        }
    }

    // ---------------------------------------------------------------- to the client

    private ObjectNode chunkBase() {
        ObjectNode chunk = Json.object();
        chunk.put("id", x.generationId);
        chunk.put("provider", active.providerName());
        chunk.put("model", active.model().id());
        chunk.put("object", x.request.legacyCompletion() ? "text_completion" : "chat.completion.chunk");
        chunk.put("created", x.created);
        if (fingerprint != null) {
            // optional but not nullable in OpenRouter's chunk schema; strict clients reject null
            chunk.put("system_fingerprint", fingerprint);
        }
        return chunk;
    }

    private void write(ObjectNode chunk) {
        if (x.ctx.response().ended() || x.ctx.response().closed()) {
            return;
        }
        sendStreamHeaders();
        cancelKeepalive();
        // events read in this event-loop turn go out in one write at its end (nothing waits for
        // anything that has not arrived yet)
        Buffer out = batched != null ? batched : Buffer.buffer(256);
        out.appendString("data: ").appendBuffer(Json.buffer(chunk)).appendString("\n\n");
        if (batched == null) {
            x.ctx.response().write(out);
            applyBackpressure();
        }
    }

    /** Writes what the upstream reads of this event-loop turn produced, as one write. */
    private void flushBatched() {
        Buffer out = batched;
        batched = null;
        if (out == null || out.length() == 0 || x.ctx.response().ended() || x.ctx.response().closed()) {
            return;
        }
        x.ctx.response().write(out);
        applyBackpressure();
    }

    private void applyBackpressure() {
        if (streaming != null && x.ctx.response().writeQueueFull()) {
            // a slow client slows the provider down instead of filling our memory
            HttpClientResponse upstream = streaming;
            upstream.pause();
            x.ctx.response().drainHandler(v -> upstream.resume());
        }
    }

    private void endStream() {
        if (!x.ctx.response().ended() && !x.ctx.response().closed()) {
            Buffer out = batched;
            batched = null;
            x.ctx.response().end(out == null || out.length() == 0 ? DONE : out.appendBuffer(DONE));
        }
    }

    // ---------------------------------------------------------------- StreamSink

    @Override
    public void delta(int index, ObjectNode delta, String finish, String nativeFinish) {
        if (x.finished) {
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
            x.ttftMs = (System.nanoTime() - x.started) / 1_000_000;
        }
        ObjectNode chunk = chunkBase();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", index);
        if (x.request.legacyCompletion()) {
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
        if (x.finished) {
            return;
        }
        upstreamDone = true;
        cancelIdle();
        TokenUsage u = usageOrEstimate();
        BigDecimal cost = Pricer.cost(active, u);
        ObjectNode chunk = chunkBase();
        chunk.putArray("choices");
        chunk.set("usage", Exchange.usageJson(u, cost));
        write(chunk);
        endStream();
        x.finish(active, u, !streamUsage.present, cost, UsageEvent.STATUS_SUCCESS, 200,
                finishReason == null ? "stop" : finishReason, nativeFinishReason, null, upstreamId);
    }

    @Override
    public void fail(String message) {
        if (x.finished) {
            return;
        }
        cancelIdle();
        x.cutUpstream();
        TokenUsage u = usageOrEstimate();
        BigDecimal cost = Pricer.cost(active, u);
        ObjectNode chunk = chunkBase();
        chunk.putObject("error").put("code", 502).put("message", message);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta").put("content", "");
        choice.put("finish_reason", "error");
        choice.put("native_finish_reason", "error");
        chunk.set("usage", Exchange.usageJson(u, cost));
        write(chunk);
        endStream();
        // billed for what was generated before the failure
        x.finish(active, u, !streamUsage.present, cost, UsageEvent.STATUS_ERROR, 502, "error", null, message, upstreamId);
    }

    /** The client left mid-stream: billed for what was generated until then. */
    void clientGone() {
        TokenUsage u = usageOrEstimate();
        x.finish(active, u, !streamUsage.present, Pricer.cost(active, u), UsageEvent.STATUS_CANCELLED, 499,
                finishReason, nativeFinishReason, "client disconnected", upstreamId);
    }

    private TokenUsage usageOrEstimate() {
        if (streamUsage.present) {
            return streamUsage;
        }
        return TokenUsage.of(Tokens.prompt(x.request.body()), Tokens.count(streamed.toString()), 0, 0);
    }
}
