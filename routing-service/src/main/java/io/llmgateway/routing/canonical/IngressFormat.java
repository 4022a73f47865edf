package io.llmgateway.routing.canonical;

import io.llmgateway.contracts.error.ErrorEnvelope;
import io.llmgateway.contracts.error.GatewayException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * One public wire format (OpenAI chat, legacy completions, Responses, Anthropic Messages …) as a
 * translator pair: its requests into the {@link CanonicalRequest}, and the canonical answer, stream
 * events and errors back out in its own shape. Everything between (keys, selection, admission,
 * attempts, fallback, billing, usage) is the same for every format.
 */
public interface IngressFormat {

    /** The operation name of spans and generation records: {@code chat}, {@code responses} … */
    String operation();

    /** Request in. Throws {@link GatewayException} (a 4xx) naming what is wrong. */
    CanonicalRequest parse(Buffer body, MultiMap headers);

    /** A whole answer out, as the JSON body of a 200. */
    Buffer answer(Answer answer);

    /** A stream's events out; one writer per stream. */
    StreamWriter streamWriter(StreamHead head);

    /** An error before any answer was written, in this format's error shape. */
    default void fail(HttpServerResponse response, GatewayException e) {
        envelope(response, e);
    }

    /** Writes an error in OpenRouter's envelope, unless the response is already under way. */
    static void envelope(HttpServerResponse response, GatewayException e) {
        error(response, e, () -> Json.MAPPER.valueToTree(ErrorEnvelope.of(e.status(), e.getMessage(), e.metadata())));
    }

    /**
     * Writes an error with the exception's status and headers and a format's body, unless the
     * response is already under way (then it is only ended: the status line has gone out).
     */
    static void error(HttpServerResponse response, GatewayException e,
            java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> body) {
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            response.end();
            return;
        }
        response.setStatusCode(e.status());
        e.headers().forEach(response::putHeader);
        response.putHeader("Content-Type", "application/json");
        response.end(Json.buffer(body.get()));
    }
}
