package io.llmgateway.simulator.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** Deterministic arguments that satisfy a tool's JSON schema well enough for a client to parse them. */
final class ToolArguments {

    private ToolArguments() {
    }

    static JsonObject forSchema(Object schema) {
        JsonObject out = new JsonObject();
        if (!(schema instanceof JsonObject s) || !(s.getValue("properties") instanceof JsonObject props)) {
            return out;
        }
        for (Map.Entry<String, Object> p : props) {
            out.put(p.getKey(), value(p.getValue()));
        }
        return out;
    }

    private static Object value(Object schema) {
        if (!(schema instanceof JsonObject s)) {
            return "sample";
        }
        if (s.getValue("enum") instanceof JsonArray values && !values.isEmpty()) {
            return values.getValue(0);
        }
        Object type = s.getValue("type");
        if (type instanceof JsonArray types && !types.isEmpty()) {
            type = types.getValue(0);
        }
        String t = type instanceof String str ? str.toLowerCase() : "string";
        return switch (t) {
            case "integer", "number" -> 1;
            case "boolean" -> true;
            case "array" -> new JsonArray();
            case "object" -> forSchema(s);
            default -> "sample";
        };
    }
}
