package io.llmgateway.routing.selection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.internal.CatalogSnapshot;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies an account's preset (a server-side request template kept by catalog, cached here with the
 * catalog) to a canonical body: {@code "model": "@preset/slug"} takes the preset's models,
 * {@code "model": "author/slug@preset/slug"} the preset with that model, {@code "preset": "slug"}
 * the preset with the request's model. Request fields override the preset's, as OpenRouter
 * documents: a field the request sets is kept, the preset fills the others; {@code provider} is
 * merged field by field; the preset's {@code system_prompt} becomes the first message unless the
 * request has a system message of its own.
 */
@Singleton
public class Presets {

    private static final String MARK = "@preset/";

    private final CatalogCache catalog;

    public Presets(CatalogCache catalog) {
        this.catalog = catalog;
    }

    /** Whether the body names a preset (then {@link #apply} must run before selection). */
    public static boolean named(ObjectNode body) {
        if (body.hasNonNull("preset")) {
            return true;
        }
        if (body.path("model").asText("").contains(MARK)) {
            return true;
        }
        for (JsonNode m : body.path("models")) {
            if (m.asText("").contains(MARK)) {
                return true;
            }
        }
        return false;
    }

    /** The body with the preset applied, in place; throws a 4xx naming a missing or malformed reference. */
    public ObjectNode apply(ObjectNode body, String accountId) {
        String slug = null;
        JsonNode field = body.remove("preset");
        if (field != null && !field.isNull()) {
            if (!field.isTextual() || field.asText().isBlank()) {
                throw GatewayException.badRequest("Wrong type for 'preset': expected a preset slug");
            }
            slug = field.asText();
        }
        List<String> models = new ArrayList<>();
        String model = body.path("model").asText(null);
        if (model != null) {
            models.add(model);
        }
        body.path("models").forEach(m -> models.add(m.asText()));
        List<String> resolved = new ArrayList<>();
        CatalogSnapshot.Preset preset = null;
        for (String m : models) {
            int at = m.indexOf(MARK);
            if (at < 0) {
                resolved.add(m);
                continue;
            }
            String named = m.substring(at + MARK.length());
            if (slug != null && !slug.equals(named)) {
                throw GatewayException.badRequest("The request names two presets: '" + slug + "' and '" + named + "'");
            }
            slug = named;
            if (at > 0) {
                resolved.add(m.substring(0, at)); // model@preset/slug: this model, the preset's settings
            } else {
                preset = find(accountId, slug);
                preset.config().path("models").forEach(p -> resolved.add(p.asText()));
            }
        }
        if (preset == null) {
            preset = find(accountId, slug);
        }
        if (resolved.isEmpty()) {
            preset.config().path("models").forEach(p -> resolved.add(p.asText()));
        }
        if (resolved.isEmpty()) {
            throw GatewayException.badRequest("Preset '" + slug + "' names no model and the request has none");
        }
        body.put("model", resolved.get(0));
        body.remove("models");
        if (resolved.size() > 1) {
            ArrayNode list = body.putArray("models");
            resolved.forEach(list::add);
        }
        merge(body, preset.config());
        return body;
    }

    private CatalogSnapshot.Preset find(String accountId, String slug) {
        CatalogCache.Index index = catalog.index();
        CatalogSnapshot.Preset preset = index == null ? null : index.preset(accountId, slug);
        if (preset == null) {
            throw GatewayException.notFound("Preset '" + slug + "' does not exist for this account");
        }
        return preset;
    }

    private static void merge(ObjectNode body, JsonNode config) {
        for (Map.Entry<String, JsonNode> e : config.properties()) {
            String name = e.getKey();
            JsonNode value = e.getValue();
            switch (name) {
                case "models" -> { }
                case "system_prompt" -> systemPrompt(body, value.asText());
                case "provider" -> {
                    JsonNode asked = body.get("provider");
                    ObjectNode merged = value.deepCopy();
                    if (asked != null && asked.isObject()) {
                        merged.setAll((ObjectNode) asked);
                    }
                    body.set("provider", merged);
                }
                default -> {
                    if (!body.hasNonNull(name)) {
                        body.set(name, value.deepCopy());
                    }
                }
            }
        }
    }

    private static void systemPrompt(ObjectNode body, String prompt) {
        JsonNode messages = body.get("messages");
        if (prompt.isBlank() || messages == null || !messages.isArray()) {
            return;
        }
        for (JsonNode m : messages) {
            String role = m.path("role").asText();
            if (role.equals("system") || role.equals("developer")) {
                return; // the request's own system prompt overrides the preset's
            }
        }
        ((ArrayNode) messages).insertObject(0).put("role", "system").put("content", prompt);
    }
}
