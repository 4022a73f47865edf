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
import io.llmgateway.routing.selection.MiddleOut;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/** Validates a request in canonical (chat) form once; every mistake becomes a 400 saying what is wrong. */
@Singleton
public class ChatRequestParser {

    /** Request fields that name a provider capability, for require_parameters. */
    private static final List<String> PARAMETERS = List.of("tools", "tool_choice", "response_format", "temperature",
            "top_p", "top_k", "stop", "seed", "max_tokens", "frequency_penalty", "presence_penalty",
            "repetition_penalty", "logit_bias", "logprobs", "top_logprobs", "reasoning", "structured_outputs",
            "parallel_tool_calls", "min_p", "top_a");

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
     * ingress formats translate into this form first and end here too. Every refusal is a 400 whose
     * {@code error.metadata.field} names the field.
     */
    public CanonicalRequest canonical(ObjectNode body) {
        List<String> models = models(body);
        long promptChars = MessageValidator.check(body);
        boolean stream = SamplingValidator.bool(body, "stream");
        Integer maxTokens = SamplingValidator.maxTokens(body);
        ProviderPreferences provider = ProviderPreferencesParser.route(body,
                ProviderPreferencesParser.parse(body.get("provider")));
        SamplingValidator.check(body);
        ShapeValidator.check(body);
        plugins(body);
        JsonNode tools = body.get("tools");
        JsonNode rf = body.get("response_format");
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

    /**
     * {@code transforms} and {@code plugins}: the gateway has one engine, middle-out context compression
     * ({@code transforms: ["middle-out"]}, or the {@code context-compression} plugin), applied per
     * endpoint by {@link MiddleOut}; anything else is refused rather than dropped.
     */
    static void plugins(ObjectNode body) {
        JsonNode transforms = body.get("transforms");
        if (!BadRequest.absent(transforms)) {
            if (!transforms.isArray()) {
                throw BadRequest.type("transforms", "an array of strings");
            }
            for (int i = 0; i < transforms.size(); i++) {
                JsonNode t = transforms.get(i);
                if (!t.isTextual()) {
                    throw BadRequest.type("transforms[" + i + "]", "a string");
                }
                if (!t.asText().equals(MiddleOut.NAME)) {
                    throw BadRequest.unsupported("transforms[" + i + "]", "'" + t.asText()
                            + "' is not available; the gateway implements 'middle-out' only");
                }
            }
        }
        JsonNode plugins = body.get("plugins");
        if (BadRequest.absent(plugins)) {
            return;
        }
        if (!plugins.isArray()) {
            throw BadRequest.type("plugins", "an array of objects");
        }
        for (int i = 0; i < plugins.size(); i++) {
            String at = "plugins[" + i + "]";
            JsonNode p = plugins.get(i);
            if (!p.isObject() || !p.path("id").isTextual()) {
                throw BadRequest.field(at + ".id", "required string");
            }
            String id = p.get("id").asText();
            if (!id.equals(MiddleOut.PLUGIN)) {
                throw BadRequest.unsupported(at + ".id", "the gateway has no '" + id + "' plugin engine (available: "
                        + MiddleOut.PLUGIN + ")");
            }
            JsonNode enabled = p.get("enabled");
            if (!BadRequest.absent(enabled) && !enabled.isBoolean()) {
                throw BadRequest.type(at + ".enabled", "a boolean");
            }
            JsonNode engine = p.get("engine");
            if (!BadRequest.absent(engine) && !MiddleOut.NAME.equals(engine.asText(null))) {
                throw BadRequest.field(at + ".engine", "must be 'middle-out'");
            }
        }
    }

    /** Legacy completions: the prompt becomes one user message. */
    public static void promptToMessages(ObjectNode body) {
        toChat(body);
    }

    private static void toChat(ObjectNode body) {
        JsonNode prompt = body.remove("prompt");
        if (prompt == null || prompt.isNull()) {
            throw BadRequest.required("prompt");
        }
        String text;
        if (prompt.isTextual()) {
            text = prompt.asText();
        } else if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            text = prompt.get(0).asText();
        } else {
            throw BadRequest.type("prompt", "a string");
        }
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "user").put("content", text);
        // the legacy form's logprobs is how many top tokens to return (0-5): chat's logprobs + top_logprobs
        JsonNode logprobs = body.get("logprobs");
        if (logprobs != null && logprobs.isIntegralNumber()) {
            int top = logprobs.asInt();
            if (top < 0 || top > 5) {
                throw BadRequest.field("logprobs", "must be between 0 and 5");
            }
            body.put("logprobs", true);
            if (top > 0) {
                body.put("top_logprobs", top);
            }
        }
    }

    /** {@code model} and the {@code models} fallback list, in order, without repeats. */
    public static List<String> models(ObjectNode body) {
        List<String> models = new ArrayList<>();
        JsonNode model = body.get("model");
        if (model != null && !model.isNull()) {
            if (!model.isTextual() || model.asText().isBlank()) {
                throw BadRequest.type("model", "a non-empty string");
            }
            models.add(model.asText());
        }
        JsonNode list = body.get("models");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw BadRequest.type("models", "an array of strings");
            }
            if (list.isEmpty()) {
                throw BadRequest.field("models", "must not be empty");
            }
            for (JsonNode m : list) {
                if (!m.isTextual() || m.asText().isBlank()) {
                    throw BadRequest.type("models", "an array of strings");
                }
                if (!models.contains(m.asText())) {
                    models.add(m.asText());
                }
            }
        }
        if (models.isEmpty()) {
            throw BadRequest.required("model");
        }
        return models;
    }

    /** The {@code provider} object (also read by the embeddings format). */
    public static ProviderPreferences provider(JsonNode p) {
        return ProviderPreferencesParser.parse(p);
    }
}
