package io.llmgateway.routing.ingress.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.canonical.CanonicalRequest;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.ProviderPreferences;
import io.llmgateway.routing.canonical.RequestKind;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Validates a request in canonical (chat) form once; every mistake becomes a 400 saying what is wrong. */
@Singleton
public class ChatRequestParser {

    private static final Set<String> PROVIDER_FIELDS = Set.of("order", "allow_fallbacks", "only", "ignore", "sort",
            "require_parameters", "data_collection", "quantizations", "max_price", "zdr", "enforce_distillable_text",
            "preferred_min_throughput", "preferred_max_latency");
    private static final Set<String> MAX_PRICE_FIELDS = Set.of("prompt", "completion", "request", "image", "audio");
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    /** Request fields that name a provider capability, for require_parameters. */
    private static final List<String> PARAMETERS = List.of("tools", "tool_choice", "response_format", "temperature",
            "top_p", "top_k", "stop", "seed", "max_tokens", "frequency_penalty", "presence_penalty",
            "repetition_penalty", "logit_bias", "logprobs", "top_logprobs", "reasoning", "structured_outputs",
            "parallel_tool_calls", "min_p");

    /** Reads a body that must be a JSON object; anything else is a 400 saying what it is. */
    public static ObjectNode readObject(Buffer raw) {
        JsonNode root;
        try {
            root = Json.read(raw);
        } catch (JsonProcessingException e) {
            throw GatewayException.badRequest("Malformed JSON: " + e.getOriginalMessage());
        } catch (Exception e) {
            throw GatewayException.badRequest("Malformed JSON");
        }
        if (root == null || !root.isObject()) {
            throw GatewayException.badRequest("Request body must be a JSON object");
        }
        return (ObjectNode) root;
    }

    /**
     * Validates a body in canonical (chat) form and reads what selection and admission need. Other
     * ingress formats translate into this form first and end here too.
     */
    public CanonicalRequest canonical(ObjectNode body) {
        List<String> models = models(body);
        long promptChars = messages(body);
        boolean stream = bool(body, "stream");
        Integer maxTokens = maxTokens(body);
        ProviderPreferences provider = provider(body.get("provider"));
        checkNumber(body, "temperature");
        checkNumber(body, "top_p");
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull() && !tools.isArray()) {
            throw GatewayException.badRequest("Wrong type for 'tools': expected an array");
        }
        JsonNode rf = body.get("response_format");
        if (rf != null && !rf.isNull() && !rf.isObject()) {
            throw GatewayException.badRequest("Wrong type for 'response_format': expected an object");
        }
        boolean usesTools = tools != null && tools.isArray() && tools.size() > 0;
        boolean usesRf = rf != null && rf.isObject() && !"text".equals(Json.text(rf, "type"));
        List<String> used = new ArrayList<>();
        for (String p : PARAMETERS) {
            if (body.hasNonNull(p)) {
                used.add(p);
            }
        }
        if (body.hasNonNull("max_completion_tokens")) {
            used.add("max_tokens");
        }
        return new CanonicalRequest(RequestKind.CHAT, body, models, stream, provider, promptChars / 4 + 1, maxTokens, usesTools,
                usesRf, used);
    }

    /** Legacy completions: the prompt becomes one user message. */
    public static void promptToMessages(ObjectNode body) {
        toChat(body);
    }

    private static void toChat(ObjectNode body) {
        JsonNode prompt = body.remove("prompt");
        if (prompt == null || prompt.isNull()) {
            throw GatewayException.badRequest("'prompt' is required");
        }
        String text;
        if (prompt.isTextual()) {
            text = prompt.asText();
        } else if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            text = prompt.get(0).asText();
        } else {
            throw GatewayException.badRequest("Wrong type for 'prompt': expected a string");
        }
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "user").put("content", text);
    }

    /** {@code model} and the {@code models} fallback list, in order, without repeats. */
    public static List<String> models(ObjectNode body) {
        List<String> models = new ArrayList<>();
        JsonNode model = body.get("model");
        if (model != null && !model.isNull()) {
            if (!model.isTextual() || model.asText().isBlank()) {
                throw GatewayException.badRequest("Wrong type for 'model': expected a non-empty string");
            }
            models.add(model.asText());
        }
        JsonNode list = body.get("models");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw GatewayException.badRequest("Wrong type for 'models': expected an array of strings");
            }
            if (list.isEmpty()) {
                throw GatewayException.badRequest("'models' must not be empty");
            }
            for (JsonNode m : list) {
                if (!m.isTextual() || m.asText().isBlank()) {
                    throw GatewayException.badRequest("Wrong type for 'models': expected an array of strings");
                }
                if (!models.contains(m.asText())) {
                    models.add(m.asText());
                }
            }
        }
        if (models.isEmpty()) {
            throw GatewayException.badRequest("'model' is required");
        }
        return models;
    }

    /** Validates messages and returns their total text length (the prompt size estimate). */
    private static long messages(ObjectNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw GatewayException.badRequest("'messages' is required");
        }
        if (!messages.isArray()) {
            throw GatewayException.badRequest("Wrong type for 'messages': expected an array");
        }
        if (messages.isEmpty()) {
            throw GatewayException.badRequest("'messages' must not be empty");
        }
        long chars = 0;
        int i = 0;
        for (JsonNode m : messages) {
            if (!m.isObject()) {
                throw GatewayException.badRequest("Wrong type for 'messages[" + i + "]': expected an object");
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
                throw GatewayException.badRequest("'messages[" + i + "].role' must be one of " + ROLES);
            }
            JsonNode content = m.get("content");
            if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
                throw GatewayException.badRequest("Wrong type for 'messages[" + i + "].content': expected a string or an array");
            }
            chars += Json.contentText(content).length();
            JsonNode calls = m.get("tool_calls");
            if (calls != null) {
                chars += calls.toString().length();
            }
            i++;
        }
        JsonNode tools = body.get("tools");
        if (tools != null) {
            chars += tools.toString().length();
        }
        return chars;
    }

    private static Integer maxTokens(ObjectNode body) {
        Integer result = null;
        for (String field : List.of("max_tokens", "max_completion_tokens")) {
            JsonNode v = body.get(field);
            if (v == null || v.isNull()) {
                continue;
            }
            if (!v.isIntegralNumber()) {
                throw GatewayException.badRequest("Wrong type for '" + field + "': expected an integer");
            }
            if (v.asLong() < 1) {
                throw GatewayException.badRequest("'" + field + "' must be a positive integer");
            }
            result = (int) Math.min(Integer.MAX_VALUE, v.asLong());
        }
        return result;
    }

    private static boolean bool(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw GatewayException.badRequest("Wrong type for '" + field + "': expected a boolean");
        }
        return v.asBoolean();
    }

    private static void checkNumber(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v != null && !v.isNull() && !v.isNumber()) {
            throw GatewayException.badRequest("Wrong type for '" + field + "': expected a number");
        }
    }

    public static ProviderPreferences provider(JsonNode p) {
        if (p == null || p.isNull()) {
            return ProviderPreferences.DEFAULT;
        }
        if (!p.isObject()) {
            throw GatewayException.badRequest("Wrong type for 'provider': expected an object");
        }
        for (Iterator<String> it = p.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!PROVIDER_FIELDS.contains(f)) {
                throw GatewayException.badRequest("Unknown field 'provider." + f + "'");
            }
        }
        String sort = null;
        JsonNode s = p.get("sort");
        if (s != null && !s.isNull()) {
            String v = s.isTextual() ? s.asText() : s.isObject() ? Json.text(s, "by") : null;
            if (v == null || !Set.of("price", "throughput", "latency").contains(v)) {
                throw GatewayException.badRequest("'provider.sort' must be price, throughput or latency");
            }
            sort = v;
        }
        String dc = null;
        JsonNode d = p.get("data_collection");
        if (d != null && !d.isNull()) {
            if (!d.isTextual() || !Set.of("allow", "deny").contains(d.asText())) {
                throw GatewayException.badRequest("'provider.data_collection' must be allow or deny");
            }
            dc = d.asText();
        }
        BigDecimal maxPrompt = null;
        BigDecimal maxCompletion = null;
        JsonNode mp = p.get("max_price");
        if (mp != null && !mp.isNull()) {
            if (!mp.isObject()) {
                throw GatewayException.badRequest("Wrong type for 'provider.max_price': expected an object");
            }
            for (Iterator<String> it = mp.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!MAX_PRICE_FIELDS.contains(f)) {
                    throw GatewayException.badRequest("Unknown field 'provider.max_price." + f + "'");
                }
            }
            maxPrompt = price(mp, "prompt");
            maxCompletion = price(mp, "completion");
        }
        return new ProviderPreferences(strings(p, "order"), flag(p, "allow_fallbacks", true), strings(p, "only"),
                strings(p, "ignore"), sort, flag(p, "require_parameters", false), dc, strings(p, "quantizations"),
                maxPrompt, maxCompletion);
    }

    /** max_price is USD per million tokens, as OpenRouter documents; converted to per token. */
    private static BigDecimal price(JsonNode mp, String field) {
        JsonNode v = mp.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            BigDecimal perMillion = v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText());
            if (perMillion.signum() < 0) {
                throw GatewayException.badRequest("'provider.max_price." + field + "' must not be negative");
            }
            return perMillion.movePointLeft(6);
        } catch (NumberFormatException e) {
            throw GatewayException.badRequest("Wrong type for 'provider.max_price." + field + "': expected a number");
        }
    }

    private static boolean flag(JsonNode p, String field, boolean dflt) {
        JsonNode v = p.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw GatewayException.badRequest("Wrong type for 'provider." + field + "': expected a boolean");
        }
        return v.asBoolean();
    }

    private static List<String> strings(JsonNode p, String field) {
        JsonNode v = p.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw GatewayException.badRequest("Wrong type for 'provider." + field + "': expected an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw GatewayException.badRequest("Wrong type for 'provider." + field + "': expected an array of strings");
            }
            out.add(e.asText());
        }
        return out;
    }
}
