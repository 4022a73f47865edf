package io.llmgateway.routing.ingress.chat;

import static io.llmgateway.routing.ingress.chat.BadRequest.absent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Shapes of the structured request fields: {@code response_format}, {@code tools}, {@code tool_choice}
 * and {@code reasoning}. Extra keys inside them are allowed (providers add their own, e.g.
 * {@code cache_control}); a known key with the wrong type or value is a 400 naming it.
 */
final class ShapeValidator {

    static final Pattern NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
    private static final Set<String> FORMATS = Set.of("text", "json_object", "json_schema");
    private static final Set<String> SUMMARIES = Set.of("auto", "concise", "detailed");

    private ShapeValidator() {
    }

    static void check(ObjectNode body) {
        responseFormat(body.get("response_format"));
        Set<String> toolNames = tools(body.get("tools"));
        toolChoice(body.get("tool_choice"), toolNames);
        reasoning(body);
    }

    private static void responseFormat(JsonNode rf) {
        if (absent(rf)) {
            return;
        }
        if (!rf.isObject()) {
            throw BadRequest.type("response_format", "an object");
        }
        JsonNode type = rf.get("type");
        if (type == null || !type.isTextual()) {
            throw BadRequest.field("response_format.type", "required: one of " + SamplingValidator.sorted(FORMATS));
        }
        if (type.asText().equals("grammar") || type.asText().equals("python")) {
            throw BadRequest.unsupported("response_format.type", "'" + type.asText()
                    + "' formats are not available through this gateway; use json_schema");
        }
        if (!FORMATS.contains(type.asText())) {
            throw BadRequest.field("response_format.type", "must be one of " + SamplingValidator.sorted(FORMATS));
        }
        if (!type.asText().equals("json_schema")) {
            return;
        }
        JsonNode js = rf.get("json_schema");
        if (js == null || !js.isObject()) {
            throw BadRequest.field("response_format.json_schema", "required object for type json_schema");
        }
        JsonNode name = js.get("name");
        if (name == null || !name.isTextual() || !NAME.matcher(name.asText()).matches()) {
            throw BadRequest.field("response_format.json_schema.name",
                    "required: 1 to 64 letters, digits, underscores or dashes");
        }
        JsonNode schema = js.get("schema");
        if (!absent(schema) && !schema.isObject()) {
            throw BadRequest.type("response_format.json_schema.schema", "a JSON Schema object");
        }
        JsonNode strict = js.get("strict");
        if (!absent(strict) && !strict.isBoolean()) {
            throw BadRequest.type("response_format.json_schema.strict", "a boolean");
        }
        JsonNode description = js.get("description");
        if (!absent(description) && !description.isTextual()) {
            throw BadRequest.type("response_format.json_schema.description", "a string");
        }
    }

    /** Validates the tools and answers their function names. */
    private static Set<String> tools(JsonNode tools) {
        Set<String> names = new HashSet<>();
        if (absent(tools)) {
            return names;
        }
        if (!tools.isArray()) {
            throw BadRequest.type("tools", "an array");
        }
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools[" + i + "]";
            JsonNode t = tools.get(i);
            if (!t.isObject()) {
                throw BadRequest.type(at, "an object");
            }
            JsonNode type = t.get("type");
            if (type == null || !type.isTextual()) {
                throw BadRequest.field(at + ".type", "required: 'function'");
            }
            if (!type.asText().equals("function")) {
                throw BadRequest.unsupported(at + ".type", "only function tools are available; '" + type.asText()
                        + "' needs a server-side tool engine this gateway does not have");
            }
            JsonNode f = t.get("function");
            if (f == null || !f.isObject()) {
                throw BadRequest.field(at + ".function", "required object");
            }
            JsonNode name = f.get("name");
            if (name == null || !name.isTextual() || !NAME.matcher(name.asText()).matches()) {
                throw BadRequest.field(at + ".function.name", "required: 1 to 64 letters, digits, underscores or dashes");
            }
            if (!names.add(name.asText())) {
                throw BadRequest.field(at + ".function.name", "duplicate tool name '" + name.asText() + "'");
            }
            JsonNode params = f.get("parameters");
            if (!absent(params) && !params.isObject()) {
                throw BadRequest.type(at + ".function.parameters", "a JSON Schema object");
            }
            JsonNode description = f.get("description");
            if (!absent(description) && !description.isTextual()) {
                throw BadRequest.type(at + ".function.description", "a string");
            }
            JsonNode strict = f.get("strict");
            if (!absent(strict) && !strict.isBoolean()) {
                throw BadRequest.type(at + ".function.strict", "a boolean");
            }
        }
        return names;
    }

    private static void toolChoice(JsonNode choice, Set<String> tools) {
        if (absent(choice)) {
            return;
        }
        if (choice.isTextual()) {
            String c = choice.asText();
            if (!Set.of("none", "auto", "required").contains(c)) {
                throw BadRequest.field("tool_choice", "must be none, auto, required or {\"type\":\"function\","
                        + "\"function\":{\"name\":...}}");
            }
            if (c.equals("required") && tools.isEmpty()) {
                throw BadRequest.field("tool_choice", "'required' needs at least one tool in 'tools'");
            }
            return;
        }
        if (!choice.isObject()) {
            throw BadRequest.type("tool_choice", "a string or an object");
        }
        if (!"function".equals(choice.path("type").asText(null))) {
            throw BadRequest.unsupported("tool_choice.type", "only {\"type\":\"function\"} can be forced here");
        }
        JsonNode name = choice.path("function").get("name");
        if (name == null || !name.isTextual()) {
            throw BadRequest.field("tool_choice.function.name", "required string");
        }
        if (!tools.contains(name.asText())) {
            throw BadRequest.field("tool_choice.function.name", "no tool named '" + name.asText() + "' in 'tools'");
        }
    }

    private static void reasoning(ObjectNode body) {
        JsonNode r = body.get("reasoning");
        if (absent(r)) {
            return;
        }
        if (!r.isObject()) {
            throw BadRequest.type("reasoning", "an object");
        }
        JsonNode effort = r.get("effort");
        if (!absent(effort) && (!effort.isTextual() || !SamplingValidator.EFFORTS.contains(effort.asText()))) {
            throw BadRequest.field("reasoning.effort", "must be one of " + SamplingValidator.sorted(SamplingValidator.EFFORTS));
        }
        JsonNode max = r.get("max_tokens");
        if (!absent(max) && (!max.isIntegralNumber() || !max.canConvertToInt() || max.asInt() < 0)) {
            throw BadRequest.field("reasoning.max_tokens", "expected a non-negative integer");
        }
        if (!absent(effort) && !absent(max)) {
            throw BadRequest.field("reasoning", "set either 'effort' or 'max_tokens', not both");
        }
        for (String flag : new String[] { "exclude", "enabled" }) {
            JsonNode v = r.get(flag);
            if (!absent(v) && !v.isBoolean()) {
                throw BadRequest.type("reasoning." + flag, "a boolean");
            }
        }
        JsonNode summary = r.get("summary");
        if (!absent(summary) && (!summary.isTextual() || !SUMMARIES.contains(summary.asText()))) {
            throw BadRequest.field("reasoning.summary", "must be one of " + SamplingValidator.sorted(SUMMARIES));
        }
        JsonNode shorthand = body.get("reasoning_effort");
        if (!absent(shorthand) && !absent(effort) && !shorthand.asText().equals(effort.asText())) {
            throw BadRequest.field("reasoning_effort", "differs from 'reasoning.effort'");
        }
    }
}
