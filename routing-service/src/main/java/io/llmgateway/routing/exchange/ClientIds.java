package io.llmgateway.routing.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.vertx.core.MultiMap;
import java.util.Map;

/**
 * What the client says about itself, for the usage event: the app's title header, the end user and the
 * session. The body's fields were validated by the parser; the session header is checked here.
 */
final class ClientIds {

    static final int MAX_LENGTH = 256;

    private ClientIds() {
    }

    /** {@code X-Title}, or OpenRouter's newer {@code X-OpenRouter-Title}. */
    static String title(MultiMap headers) {
        String title = headers.get("X-Title");
        return title != null ? title : headers.get("X-OpenRouter-Title");
    }

    static String user(ObjectNode body) {
        JsonNode user = body.get("user");
        return user != null && user.isTextual() ? user.asText() : null;
    }

    /** The body's {@code session_id} wins over the {@code x-session-id} header, as OpenRouter documents. */
    static String session(ObjectNode body, MultiMap headers) {
        JsonNode session = body.get("session_id");
        if (session != null && session.isTextual()) {
            return session.asText();
        }
        String header = headers.get("x-session-id");
        if (header != null && header.length() > MAX_LENGTH) {
            throw new GatewayException(400, "Invalid 'x-session-id': at most " + MAX_LENGTH + " characters",
                    Map.of("field", "x-session-id"));
        }
        return header;
    }
}
