package io.llmgateway.auth.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.contracts.error.GatewayException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A parsed {@code PATCH /api/v1/keys/{hash}} body. Read from the JSON tree because PATCH must tell
 * "absent" (keep) from {@code null} (clear) for limit, limit_reset, expires_at and rate_limit.
 */
public final class KeyPatch {

    private static final Set<String> FIELDS = Set.of("name", "disabled", "limit", "limit_reset", "expires_at",
            "include_byok_in_limit", "rate_limit");
    private static final Set<String> RATE_FIELDS = Set.of("requests_per_minute", "tokens_per_minute");

    final JsonNode body;

    private KeyPatch(JsonNode body) {
        this.body = body;
    }

    public static KeyPatch parse(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            throw GatewayException.badRequest("Request body required");
        }
        if (!body.isObject()) {
            throw GatewayException.badRequest("Request body must be a JSON object");
        }
        rejectUnknown(body, FIELDS, "");
        JsonNode rate = body.get("rate_limit");
        if (rate != null && !rate.isNull()) {
            if (!rate.isObject()) {
                throw GatewayException.badRequest("'rate_limit' must be an object or null");
            }
            rejectUnknown(rate, RATE_FIELDS, "rate_limit.");
        }
        KeyPatch patch = new KeyPatch(body);
        // touch every field once so type errors surface before any change is made
        patch.name();
        patch.disabled();
        patch.limit();
        patch.limitReset();
        patch.expiresAt();
        patch.bool("include_byok_in_limit");
        patch.perMinute("requests_per_minute");
        patch.perMinute("tokens_per_minute");
        return patch;
    }

    boolean has(String field) {
        return body.has(field);
    }

    boolean hasRate(String field) {
        JsonNode rate = body.get("rate_limit");
        return rate != null && (rate.isNull() || rate.has(field));
    }

    String name() {
        JsonNode node = typed(body.get("name"), false, JsonNode::isTextual, "name", "a string");
        return node == null ? null : Validation.name(node.asText(), "name");
    }

    Boolean disabled() {
        return bool("disabled");
    }

    BigDecimal limit() {
        JsonNode node = typed(body.get("limit"), true, JsonNode::isNumber, "limit", "a number or null");
        return node == null ? null : Validation.usd(node.decimalValue(), "limit", false);
    }

    String limitReset() {
        JsonNode node = typed(body.get("limit_reset"), true, JsonNode::isTextual, "limit_reset",
                "daily, weekly, monthly or null");
        return node == null ? null : Validation.limitReset(node.asText());
    }

    Instant expiresAt() {
        JsonNode node = body.get("expires_at");
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return Instant.parse(node.asText());
        } catch (DateTimeParseException e) {
            throw GatewayException.badRequest("'expires_at' must be an ISO-8601 date-time such as 2030-01-01T00:00:00Z");
        }
    }

    Integer perMinute(String field) {
        JsonNode rate = body.get("rate_limit");
        JsonNode node = typed(rate == null || rate.isNull() ? null : rate.get(field), true,
                n -> n.canConvertToInt() && n.isIntegralNumber(), "rate_limit." + field, "an integer or null");
        return node == null ? null : Validation.perMinute(node.intValue(), field);
    }

    private Boolean bool(String field) {
        JsonNode node = typed(body.get(field), false, JsonNode::isBoolean, field, "true or false");
        return node == null ? null : node.booleanValue();
    }

    /**
     * A field's value if it has the type the field needs; null when it is absent, or JSON null where null
     * clears the field ({@code nullable}); otherwise a 400 saying the field must be {@code expected}.
     */
    private static JsonNode typed(JsonNode node, boolean nullable, Predicate<JsonNode> type, String field,
            String expected) {
        if (node == null || nullable && node.isNull()) {
            return null;
        }
        if (!type.test(node)) {
            throw GatewayException.badRequest("'" + field + "' must be " + expected);
        }
        return node;
    }

    private static void rejectUnknown(JsonNode object, Set<String> allowed, String prefix) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw GatewayException.badRequest("Unknown field '" + prefix + name + "'");
            }
        }
    }
}
