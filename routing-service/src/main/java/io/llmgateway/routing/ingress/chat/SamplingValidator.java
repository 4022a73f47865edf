package io.llmgateway.routing.ingress.chat;

import static io.llmgateway.routing.ingress.chat.BadRequest.absent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Types and ranges of the sampling and output controls, as OpenRouter documents them. A value out of
 * range is refused (400 naming the field) rather than passed on for a provider to clamp, reject or
 * misread.
 */
final class SamplingValidator {

    /** Number fields and their inclusive ranges. */
    private static final Map<String, double[]> RANGES = Map.of(
            "temperature", new double[] { 0, 2 },
            "top_p", new double[] { 0, 1 },
            "frequency_penalty", new double[] { -2, 2 },
            "presence_penalty", new double[] { -2, 2 },
            "min_p", new double[] { 0, 1 },
            "top_a", new double[] { 0, 1 });
    static final Set<String> EFFORTS = Set.of("max", "xhigh", "high", "medium", "low", "minimal", "none");
    static final int MAX_ID_LENGTH = 256;

    private SamplingValidator() {
    }

    static void check(ObjectNode body) {
        for (Map.Entry<String, double[]> r : RANGES.entrySet()) {
            range(body, r.getKey(), r.getValue()[0], r.getValue()[1]);
        }
        JsonNode rp = body.get("repetition_penalty");
        if (!absent(rp)) {
            double v = number(rp, "repetition_penalty");
            if (!(v > 0 && v <= 2)) {
                throw BadRequest.field("repetition_penalty", "must be greater than 0 and at most 2 (1 means no penalty)");
            }
        }
        integer(body, "top_k", 0, Long.MAX_VALUE);
        integer(body, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        bool(body, "logprobs");
        Long top = integer(body, "top_logprobs", 0, 20);
        if (top != null && top > 0 && !body.path("logprobs").asBoolean(false)) {
            throw BadRequest.field("top_logprobs", "requires 'logprobs': true");
        }
        Long n = integer(body, "n", 1, Long.MAX_VALUE);
        if (n != null && n > 1) {
            throw BadRequest.unsupported("n", "the gateway returns one choice per request; send n requests instead");
        }
        stop(body.get("stop"));
        logitBias(body.get("logit_bias"));
        bool(body, "parallel_tool_calls");
        bool(body, "structured_outputs");
        object(body, "stream_options");
        object(body, "prediction");
        JsonNode usage = body.get("usage");
        if (!absent(usage)) {
            if (!usage.isObject()) {
                throw BadRequest.type("usage", "an object");
            }
            JsonNode include = usage.get("include");
            if (!absent(include) && !include.isBoolean()) {
                throw BadRequest.type("usage.include", "a boolean");
            }
        }
        identifier(body, "user");
        identifier(body, "session_id");
        metadata(body.get("metadata"));
        JsonNode effort = body.get("reasoning_effort");
        if (!absent(effort) && (!effort.isTextual() || !EFFORTS.contains(effort.asText()))) {
            throw BadRequest.field("reasoning_effort", "must be one of " + sorted(EFFORTS));
        }
        JsonNode debug = body.get("debug");
        if (!absent(debug) && (!debug.isObject() || debug.path("echo_upstream_body").asBoolean(false))) {
            throw BadRequest.unsupported("debug", "echoing the upstream body is not available through this gateway");
        }
        JsonNode trace = body.get("trace");
        if (!absent(trace) && (!trace.isObject() || !trace.isEmpty())) {
            throw BadRequest.unsupported("trace", "the gateway has no trace broadcast destinations; it propagates W3C"
                    + " traceparent headers instead");
        }
        JsonNode modalities = body.get("modalities");
        if (!absent(modalities)) {
            if (!modalities.isArray()) {
                throw BadRequest.type("modalities", "an array of strings");
            }
            for (JsonNode m : modalities) {
                if (!m.isTextual() || !m.asText().equals("text")) {
                    throw BadRequest.unsupported("modalities", "the gateway answers with text only; image and audio"
                            + " output are not available");
                }
            }
        }
    }

    /** {@code max_tokens} / {@code max_completion_tokens}: a positive integer; the later one wins. */
    static Integer maxTokens(ObjectNode body) {
        Integer result = null;
        for (String field : List.of("max_tokens", "max_completion_tokens")) {
            Long v = integer(body, field, 1, Long.MAX_VALUE);
            if (v != null) {
                result = (int) Math.min(Integer.MAX_VALUE, v);
            }
        }
        return result;
    }

    static boolean bool(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (absent(v)) {
            return false;
        }
        if (!v.isBoolean()) {
            throw BadRequest.type(field, "a boolean");
        }
        return v.asBoolean();
    }

    static double number(JsonNode v, String field) {
        if (!v.isNumber()) {
            throw BadRequest.type(field, "a number");
        }
        return v.asDouble();
    }

    static Long integer(ObjectNode body, String field, long min, long max) {
        JsonNode v = body.get(field);
        if (absent(v)) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw BadRequest.type(field, "an integer");
        }
        long x = v.asLong();
        if (x < min || x > max) {
            throw BadRequest.field(field, max == Long.MAX_VALUE ? "must be at least " + min
                    : "must be between " + min + " and " + max);
        }
        return x;
    }

    private static void range(ObjectNode body, String field, double min, double max) {
        JsonNode v = body.get(field);
        if (absent(v)) {
            return;
        }
        double x = number(v, field);
        if (!(x >= min && x <= max)) {
            throw BadRequest.field(field, "must be between " + fmt(min) + " and " + fmt(max));
        }
    }

    private static void stop(JsonNode stop) {
        if (absent(stop) || stop.isTextual()) {
            return;
        }
        if (!stop.isArray()) {
            throw BadRequest.type("stop", "a string or an array of up to 4 strings");
        }
        if (stop.size() > 4) {
            throw BadRequest.field("stop", "at most 4 stop sequences");
        }
        for (int i = 0; i < stop.size(); i++) {
            if (!stop.get(i).isTextual()) {
                throw BadRequest.type("stop[" + i + "]", "a string");
            }
        }
    }

    private static void logitBias(JsonNode bias) {
        if (absent(bias)) {
            return;
        }
        if (!bias.isObject()) {
            throw BadRequest.type("logit_bias", "an object mapping token ids to numbers");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = bias.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = "logit_bias." + e.getKey();
            if (!e.getKey().matches("\\d{1,10}")) {
                throw BadRequest.field(field, "keys must be token ids (non-negative integers)");
            }
            double v = number(e.getValue(), field);
            if (!(v >= -100 && v <= 100)) {
                throw BadRequest.field(field, "must be between -100 and 100");
            }
        }
    }

    private static void object(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (!absent(v) && !v.isObject()) {
            throw BadRequest.type(field, "an object");
        }
    }

    /** {@code user} and {@code session_id}: a string of at most 256 characters. */
    static void identifier(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (absent(v)) {
            return;
        }
        if (!v.isTextual()) {
            throw BadRequest.type(field, "a string");
        }
        if (v.asText().length() > MAX_ID_LENGTH) {
            throw BadRequest.field(field, "at most " + MAX_ID_LENGTH + " characters");
        }
    }

    /** OpenAI/OpenRouter {@code metadata}: at most 16 string pairs, keys up to 64 and values up to 512 characters. */
    private static void metadata(JsonNode m) {
        if (absent(m)) {
            return;
        }
        if (!m.isObject()) {
            throw BadRequest.type("metadata", "an object of strings");
        }
        if (m.size() > 16) {
            throw BadRequest.field("metadata", "at most 16 pairs");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().length() > 64) {
                throw BadRequest.field("metadata", "keys of at most 64 characters");
            }
            if (!e.getValue().isTextual() || e.getValue().asText().length() > 512) {
                throw BadRequest.field("metadata." + e.getKey(), "expected a string of at most 512 characters");
            }
        }
    }

    static String sorted(Set<String> values) {
        return values.stream().sorted().toList().toString();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
