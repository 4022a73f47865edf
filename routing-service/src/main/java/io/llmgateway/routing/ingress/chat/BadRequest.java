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

    /**
     * A 400 naming the first field of {@code object} not among {@code known}: nothing a client sends is
     * dropped unread. {@code path} is the object's own path ("" at the top level).
     */
    public static void onlyKnown(JsonNode object, java.util.Set<String> known, String path) {
        for (java.util.Iterator<String> it = object.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!known.contains(field)) {
                String at = path.isEmpty() ? field : path + "." + field;
                throw new GatewayException(400, "Unknown field '" + at + "': this gateway does not support it",
                        Map.of("field", at));
            }
        }
    }

    /**
     * An optional object field: null when absent, else the object, whose fields must be among
     * {@code known}; a 400 naming the field when it is no object or carries an unknown field.
     */
    public static JsonNode object(JsonNode value, String field, java.util.Set<String> known) {
        if (absent(value)) {
            return null;
        }
        if (!value.isObject()) {
            throw type(field, "an object");
        }
        onlyKnown(value, known, field);
        return value;
    }

    static boolean absent(JsonNode v) {
        return v == null || v.isNull();
    }

    static GatewayException type(String field, String expected) {
        return field(field, "expected " + expected);
    }
}
