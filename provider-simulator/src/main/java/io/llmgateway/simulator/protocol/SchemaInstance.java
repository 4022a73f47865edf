package io.llmgateway.simulator.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;

/**
 * A small deterministic instance of a JSON schema, for tool arguments and structured outputs: every declared
 * property filled (so required ones too), strings {@code "sample"} (or a value of their {@code format}, padded
 * to {@code minLength}), numbers at {@code minimum} or 1, booleans {@code true}, arrays of {@code minItems}
 * items, the first {@code enum} value or the {@code const}, the first branch of {@code anyOf} / {@code oneOf},
 * {@code $ref} into {@code $defs} / {@code definitions}. Gemini's upper-case types are read the same way.
 */
final class SchemaInstance {

    private static final int MAX_DEPTH = 32;

    private SchemaInstance() {
    }

    /** Tool arguments: always an object. */
    static JsonObject forSchema(Object schema) {
        return of(schema) instanceof JsonObject o ? o : new JsonObject();
    }

    static Object of(Object schema) {
        return value(schema, schema instanceof JsonObject root ? root : new JsonObject(), 0);
    }

    private static Object value(Object schema, JsonObject root, int depth) {
        if (!(schema instanceof JsonObject s) || depth > MAX_DEPTH) {
            return "sample";
        }
        if (s.getValue("$ref") instanceof String ref) {
            return value(resolve(root, ref), root, depth + 1);
        }
        if (s.containsKey("const")) {
            return s.getValue("const");
        }
        if (s.getValue("enum") instanceof JsonArray values && !values.isEmpty()) {
            return values.getValue(0);
        }
        for (String branch : new String[] {"anyOf", "oneOf", "allOf"}) {
            if (s.getValue(branch) instanceof JsonArray alternatives && !alternatives.isEmpty()) {
                return value(firstNotNull(alternatives), root, depth + 1);
            }
        }
        return switch (type(s)) {
            case "object" -> object(s, root, depth);
            case "array" -> array(s, root, depth);
            case "integer", "number" -> number(s);
            case "boolean" -> true;
            case "null" -> null;
            default -> string(s);
        };
    }

    private static String type(JsonObject s) {
        Object type = s.getValue("type");
        if (type instanceof JsonArray types) {
            type = null;
            for (Object t : types) {
                if (t instanceof String name && !"null".equalsIgnoreCase(name)) {
                    type = name;
                    break;
                }
            }
        }
        if (type instanceof String name) {
            return name.toLowerCase(Locale.ROOT);
        }
        if (s.containsKey("properties")) {
            return "object";
        }
        return s.containsKey("items") ? "array" : "string";
    }

    private static JsonObject object(JsonObject s, JsonObject root, int depth) {
        JsonObject out = new JsonObject();
        if (s.getValue("properties") instanceof JsonObject props) {
            for (Map.Entry<String, Object> p : props) {
                out.put(p.getKey(), value(p.getValue(), root, depth + 1));
            }
        }
        if (s.getValue("required") instanceof JsonArray required) {
            for (Object name : required) {
                if (name instanceof String n && !out.containsKey(n)) {
                    out.put(n, "sample");
                }
            }
        }
        return out;
    }

    private static JsonArray array(JsonObject s, JsonObject root, int depth) {
        JsonArray out = new JsonArray();
        int n = s.getValue("minItems") instanceof Number min ? Math.min(min.intValue(), 100) : 0;
        for (int i = 0; i < n; i++) {
            out.add(value(s.getValue("items"), root, depth + 1));
        }
        return out;
    }

    private static Number number(JsonObject s) {
        boolean integer = "integer".equals(type(s));
        double v = 1;
        if (s.getValue("minimum") instanceof Number min) {
            v = min.doubleValue();
        } else if (s.getValue("exclusiveMinimum") instanceof Number min) {
            v = min.doubleValue() + 1;
        }
        if (s.getValue("maximum") instanceof Number max && v > max.doubleValue()) {
            v = max.doubleValue();
        }
        if (integer || v == Math.rint(v)) {
            long whole = (long) Math.ceil(v);
            return whole == (int) whole ? (Number) (int) whole : (Number) whole;
        }
        return v;
    }

    private static String string(JsonObject s) {
        String out = switch (s.getValue("format") instanceof String f ? f : "") {
            case "date-time" -> "2024-01-01T00:00:00Z";
            case "date" -> "2024-01-01";
            case "time" -> "00:00:00";
            case "email" -> "sample@example.com";
            case "uuid" -> "00000000-0000-4000-8000-000000000000";
            case "uri", "url" -> "https://example.com/sample";
            default -> "sample";
        };
        if (s.getValue("minLength") instanceof Number min && out.length() < min.intValue()) {
            out = out + "x".repeat(Math.min(min.intValue(), 10_000) - out.length());
        }
        if (s.getValue("maxLength") instanceof Number max && out.length() > max.intValue()) {
            out = out.substring(0, Math.max(0, max.intValue()));
        }
        return out;
    }

    private static Object firstNotNull(JsonArray alternatives) {
        for (Object a : alternatives) {
            if (!(a instanceof JsonObject o) || !"null".equals(o.getValue("type"))) {
                return a;
            }
        }
        return alternatives.getValue(0);
    }

    /** {@code #/$defs/Name} or {@code #/definitions/Name} (any {@code #/a/b} pointer into the root schema). */
    private static Object resolve(JsonObject root, String ref) {
        if (!ref.startsWith("#")) {
            return null;
        }
        Object node = root;
        for (String part : ref.substring(1).split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (!(node instanceof JsonObject o)) {
                return null;
            }
            node = o.getValue(part.replace("~1", "/").replace("~0", "~"));
        }
        return node;
    }
}
