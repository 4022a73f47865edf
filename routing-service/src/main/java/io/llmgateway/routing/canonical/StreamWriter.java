package io.llmgateway.routing.canonical;

import io.llmgateway.contracts.error.GatewayException;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;

/**
 * Renders one stream's canonical events in an ingress format's SSE shape. Each call appends the
 * bytes to send to {@code out}; the relay decides when they are written. Calls come in order on the
 * request's event loop: {@link #begin} once a provider's stream is relayed, then deltas, then one
 * ending ({@link #done} or {@link #failed}); or only {@link #refused} when no provider answered.
 */
public interface StreamWriter {

    /** An SSE comment that keeps the connection open while no provider answered yet. */
    Buffer KEEPALIVE = Buffer.buffer(": OPENROUTER PROCESSING\n\n");

    void begin(String provider, String model);

    /** The provider's own id and fingerprint, as they become known. */
    void meta(String upstreamId, String systemFingerprint);

    /** One canonical delta (OpenAI chat delta shape) of one choice. */
    void delta(Buffer out, int index, com.fasterxml.jackson.databind.node.ObjectNode delta, String finishReason,
            String nativeFinishReason);

    /** The provider completed: the final usage and cost, and the stream's terminator. */
    void done(Buffer out, TokenUsage usage, BigDecimal cost);

    /** The provider failed after the stream started: the error, what was generated is billed. */
    void failed(Buffer out, String message, TokenUsage usage, BigDecimal cost);

    /** No provider answered after the stream's status line went out. */
    void refused(Buffer out, GatewayException e);

    default Buffer keepalive() {
        return KEEPALIVE;
    }

    /** Appends one SSE {@code data:} event. */
    static void data(Buffer out, com.fasterxml.jackson.databind.JsonNode event) {
        out.appendString("data: ").appendBuffer(Json.buffer(event)).appendString("\n\n");
    }

    /** Appends one SSE event with an {@code event:} line. */
    static void event(Buffer out, String name, com.fasterxml.jackson.databind.JsonNode event) {
        out.appendString("event: ").appendString(name).appendString("\ndata: ").appendBuffer(Json.buffer(event))
                .appendString("\n\n");
    }
}
