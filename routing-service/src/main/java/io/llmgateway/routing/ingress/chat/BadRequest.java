package io.llmgateway.routing.ingress.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.contracts.error.GatewayException;
import java.util.Map;

/**
 * A 400 that names the request field at fault in {@code error.metadata.field} (a JSON path such as
 * {@code messages[2].content[0].type} or {@code provider.max_price.audio}) and says why in the message.
 */
public final class BadRequest {

    private BadRequest() {
    }

    public static GatewayException field(String field, String why) {
        return new GatewayException(400, "Invalid '" + field + "': " + why, Map.of("field", field));
    }

    public static GatewayException required(String field) {
        return new GatewayException(400, "'" + field + "' is required", Map.of("field", field));
    }

    /** The gateway understands the field but cannot honour it here: refused rather than dropped. */
    public static GatewayException unsupported(String field, String why) {
        return new GatewayException(400, "Unsupported '" + field + "': " + why,
                Map.of("field", field, "reason", "unsupported"));
    }

    static boolean absent(JsonNode v) {
        return v == null || v.isNull();
    }

    static GatewayException type(String field, String expected) {
        return field(field, "expected " + expected);
    }
}
