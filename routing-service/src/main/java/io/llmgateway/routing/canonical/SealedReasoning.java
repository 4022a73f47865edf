package io.llmgateway.routing.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.llmgateway.contracts.error.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Canonical {@code reasoning_details} packed into the one opaque string a public format has room for
 * (a Messages {@code thinking} block's signature or {@code redacted_thinking} data, a Responses
 * reasoning item's {@code encrypted_content}) when they are not that format's own, so that the next
 * turn brings them back whole: a Gemini thought signature with the id of the tool call it belongs to,
 * or an Anthropic signed thinking block sent back through the Responses API. The gateway stores
 * nothing, so the client carries them. A sealed value is {@code orgw1.} + base64url of the JSON array;
 * a string without that prefix is a provider's own and passes unchanged.
 */
public final class SealedReasoning {

    private static final String PREFIX = "orgw1.";
    private static final Set<String> TYPES = Set.of("reasoning.text", "reasoning.summary", "reasoning.encrypted");

    private SealedReasoning() {
    }

    public static String seal(ArrayNode details) {
        byte[] json = Json.buffer(details).getBytes();
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(json);
    }

    public static boolean sealed(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** The details a sealed value carries; a 400 naming {@code field} when it was altered. */
    public static ArrayNode unseal(String value, String field) {
        try {
            byte[] json = Base64.getUrlDecoder().decode(value.substring(PREFIX.length()));
            JsonNode details = Json.parse(new String(json, StandardCharsets.UTF_8));
            if (details instanceof ArrayNode list && !list.isEmpty()) {
                for (JsonNode d : list) {
                    if (!d.isObject() || !TYPES.contains(Json.text(d, "type"))) {
                        throw new IllegalArgumentException("not a reasoning detail");
                    }
                }
                return list;
            }
        } catch (RuntimeException e) {
            // reported below: the value was not one the gateway sealed
        }
        throw new GatewayException(400, "Invalid '" + field + "': it was altered; send back the value the gateway answered",
                Map.of("field", field));
    }
}
