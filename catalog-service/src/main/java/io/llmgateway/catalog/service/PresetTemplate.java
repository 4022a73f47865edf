package io.llmgateway.catalog.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.contracts.error.GatewayException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a preset's template may hold, checked whole before anything is stored: the fields of a chat
 * request a preset can preset (OpenRouter's list), each with its JSON type. Unknown fields are refused,
 * so a misspelt {@code temprature} is a 400, not a silently ignored setting.
 */
public final class PresetTemplate {

    public static final int MAX_MODELS = 10;
    public static final int MAX_SYSTEM_PROMPT = 100_000;
    private static final Set<String> NUMBERS = Set.of("temperature", "top_p", "top_k", "frequency_penalty",
            "presence_penalty", "repetition_penalty", "min_p", "top_a", "seed", "max_tokens");
    private static final Set<String> OBJECTS = Set.of("provider", "reasoning", "response_format");
    private static final Set<String> STRING_LISTS = Set.of("models", "transforms");
    private static final Set<String> OTHERS = Set.of("system_prompt", "stop", "plugins");

    /** The typed parts the table keeps in columns. */
    public record Typed(List<String> models, String systemPrompt) {
    }

    private PresetTemplate() {
    }

    public static Typed check(JsonNode config) {
        if (config == null || !config.isObject()) {
            throw GatewayException.badRequest("Invalid config: a JSON object is required");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = config.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            checkField(field.getKey(), field.getValue());
        }
        List<String> models = new ArrayList<>();
        config.path("models").forEach(m -> models.add(m.asText()));
        if (models.size() > MAX_MODELS) {
            throw GatewayException.badRequest("Invalid config.models: at most " + MAX_MODELS + " models");
        }
        models.forEach(CatalogValidator::modelId);
        JsonNode system = config.get("system_prompt");
        return new Typed(models, system == null || system.isNull() ? null : system.asText());
    }

    private static void checkField(String name, JsonNode value) {
        boolean ok;
        if (NUMBERS.contains(name)) {
            ok = value.isNumber();
        } else if (OBJECTS.contains(name)) {
            ok = value.isObject();
        } else if (STRING_LISTS.contains(name)) {
            ok = value.isArray() && allText(value);
        } else if ("system_prompt".equals(name)) {
            ok = value.isTextual() && value.asText().length() <= MAX_SYSTEM_PROMPT;
        } else if ("stop".equals(name)) {
            ok = value.isTextual() || (value.isArray() && allText(value));
        } else if ("plugins".equals(name)) {
            ok = value.isArray();
        } else {
            throw GatewayException.badRequest("Invalid config: unknown field '" + CatalogValidator.safe(name)
                    + "' (allowed: " + allowed() + ")");
        }
        if (!ok) {
            throw GatewayException.badRequest("Invalid config." + name + ": wrong type");
        }
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static String allowed() {
        List<String> all = new ArrayList<>();
        all.addAll(STRING_LISTS);
        all.addAll(OBJECTS);
        all.addAll(NUMBERS);
        all.addAll(OTHERS);
        return String.join(", ", all.stream().sorted().toList());
    }
}
