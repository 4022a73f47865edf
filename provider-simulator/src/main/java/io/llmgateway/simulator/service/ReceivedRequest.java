package io.llmgateway.simulator.service;

import io.llmgateway.simulator.model.RequestRecord;
import io.llmgateway.simulator.protocol.ProtocolException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What arrived, read once: the body parsed, headers and query copied with their secrets masked, so stats can
 * show a test exactly what reached the provider without keeping any credential.
 */
record ReceivedRequest(long at, String method, String path, Map<String, String> headers, Map<String, String> query,
        JsonObject json, Object body) {

    private static final Set<String> SECRET_HEADERS = Set.of("authorization", "proxy-authorization", "x-api-key",
            "x-goog-api-key", "api-key");
    private static final Set<String> SECRET_PARAMS = Set.of("key");

    static ReceivedRequest of(RoutingContext rc, long now) {
        JsonObject json = null;
        Object body = null;
        Buffer raw = rc.body() == null ? null : rc.body().buffer();
        if (raw != null && raw.length() > 0) {
            try {
                json = raw.toJsonObject();
                body = json.getMap();
            } catch (RuntimeException e) {
                body = raw.toString(); // kept as text: a test may check what malformed body arrived
            }
        }
        return new ReceivedRequest(now, rc.request().method().name(), rc.request().path(),
                copy(rc.request().headers(), SECRET_HEADERS), copy(rc.queryParams(), SECRET_PARAMS), json, body);
    }

    /** The body as a JSON object, or the 400 a provider answers when it is not one. */
    JsonObject requireJson() {
        if (json == null) {
            throw ProtocolException.invalid(body == null ? "request body must be a JSON object"
                    : "request body is not a valid JSON object");
        }
        return json;
    }

    RequestRecord record(String model, boolean stream, String fault, Integer status) {
        return new RequestRecord(at, path, model, stream, fault, status, method, Instant.ofEpochMilli(at).toString(),
                headers, query, body);
    }

    private static Map<String, String> copy(MultiMap from, Set<String> secrets) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : from.names()) {
            String key = name.toLowerCase(Locale.ROOT);
            String value = String.join(", ", from.getAll(name));
            out.put(key, secrets.contains(key) ? mask(value) : value);
        }
        return out;
    }

    /**
     * Keeps the scheme and the last 4 characters of a long secret ({@code Bearer ***abcd}), so a test can tell
     * which key was sent without the key being stored; a short one is masked whole.
     */
    static String mask(String value) {
        String scheme = "";
        String secret = value;
        int space = value.indexOf(' ');
        if (space > 0) {
            scheme = value.substring(0, space + 1);
            secret = value.substring(space + 1);
        }
        return scheme + (secret.length() >= 12 ? "***" + secret.substring(secret.length() - 4) : "***");
    }
}
