package io.llmgateway.simulator.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Typed reads of a request body that turn a wrong type into a 400 instead of a ClassCastException. */
final class Json {

    private Json() {
    }

    static String string(JsonObject o, String field, boolean required) {
        Object v = o == null ? null : o.getValue(field);
        if (v == null) {
            if (required) {
                throw ProtocolException.invalid(field + " is required");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw ProtocolException.invalid(field + " must be a string");
        }
        return s;
    }

    static boolean bool(JsonObject o, String field) {
        Object v = o == null ? null : o.getValue(field);
        if (v == null) {
            return false;
        }
        if (!(v instanceof Boolean b)) {
            throw ProtocolException.invalid(field + " must be a boolean");
        }
        return b;
    }

    static Integer positiveInt(JsonObject o, String field) {
        Object v = o == null ? null : o.getValue(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1
                || n.longValue() > Integer.MAX_VALUE) {
            throw ProtocolException.invalid(field + " must be a positive integer");
        }
        return n.intValue();
    }

    static JsonObject object(JsonObject o, String field) {
        Object v = o == null ? null : o.getValue(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonObject j)) {
            throw ProtocolException.invalid(field + " must be an object");
        }
        return j;
    }

    static JsonArray array(JsonObject o, String field, boolean required) {
        Object v = o == null ? null : o.getValue(field);
        if (v == null) {
            if (required) {
                throw ProtocolException.invalid(field + " is required");
            }
            return null;
        }
        if (!(v instanceof JsonArray a)) {
            throw ProtocolException.invalid(field + " must be an array");
        }
        return a;
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
