package io.llmgateway.routing.keys;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.internal.KeyState;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.util.Optional;

/** The rules an inference key must pass, and where clients put it. */
public final class KeyCheck {

    private KeyCheck() {
    }

    /**
     * The key the client sent: {@code Authorization: Bearer <key>} (OpenAI and OpenRouter clients) or
     * {@code x-api-key: <key>} (Anthropic clients).
     */
    public static String credential(MultiMap headers) {
        String auth = headers.get("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && auth.length() > 7) {
            return auth.substring(7).trim();
        }
        String apiKey = headers.get("x-api-key");
        if (apiKey != null && !apiKey.isBlank()) {
            return apiKey.trim();
        }
        throw GatewayException.unauthorized("Missing API key: send 'Authorization: Bearer <key>'");
    }

    /** The key found for the credential, if it may be used for inference now. */
    public static KeyState usable(Optional<KeyState> found) {
        KeyState key = found.orElseThrow(() -> GatewayException.unauthorized("Invalid API key"));
        if (key.disabled()) {
            throw GatewayException.unauthorized("API key is disabled");
        }
        if (key.isExpired(Instant.now())) {
            throw GatewayException.unauthorized("API key has expired");
        }
        if (key.isManagement()) {
            throw GatewayException.forbidden("Management keys cannot be used for inference; use an inference key");
        }
        return key;
    }
}
