package io.llmgateway.simulator.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Typed reads of a request body that turn a wrong type into a 400 instead of a ClassCastException. */
final class Json {

    private Json() {
    }

    static String string(JsonObject o, String field, boolean required) {
        return required(typed(o, field, String.class, "a string"), field, required);
    }

    static boolean bool(JsonObject o, String field) {
        return Boolean.TRUE.equals(typed(o, field, Boolean.class, "a boolean"));
    }

    static Integer positiveInt(JsonObject o, String field) {
        Number n = typed(o, field, Number.class, "a positive integer");
        if (n == null) {
            return null;
        }
        if (n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1 || n.longValue() > Integer.MAX_VALUE) {
            throw ProtocolException.invalid(field + " must be a positive integer");
        }
        return n.intValue();
    }

    static JsonObject object(JsonObject o, String field) {
        return typed(o, field, JsonObject.class, "an object");
    }

    static JsonArray array(JsonObject o, String field, boolean required) {
        return required(typed(o, field, JsonArray.class, "an array"), field, required);
    }

    /** The field's value, null when absent or null; a value of another type is a 400 naming {@code expected}. */
    private static <T> T typed(JsonObject o, String field, Class<T> type, String expected) {
        Object v = o == null ? null : o.getValue(field);
        if (v == null) {
            return null;
        }
        if (!type.isInstance(v)) {
            throw ProtocolException.invalid(field + " must be " + expected);
        }
        return type.cast(v);
    }

    private static <T> T required(T value, String field, boolean required) {
        if (value == null && required) {
            throw ProtocolException.invalid(field + " is required");
        }
        return value;
    }

    /** Any JSON value (object, array, string, number, boolean, null) as JSON text. */
    static String encode(Object value) {
        return io.vertx.core.json.Json.encode(value);
    }

    /** Smaller of two optional caps. */
    static Integer min(Integer a, Integer b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : Math.min(a, b);
    }
}
