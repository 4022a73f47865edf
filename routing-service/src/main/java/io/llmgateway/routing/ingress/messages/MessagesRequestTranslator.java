package io.llmgateway.routing.ingress.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.ingress.chat.BadRequest;
import java.util.Set;

/**
 * An Anthropic Messages request translated into the canonical (OpenRouter chat) body. Every field
 * and block it does not know is a 400 naming it: nothing is silently dropped. What the canonical
 * form has no field for is carried on the chat message so a later change can round-trip it:
 * thinking blocks as {@code reasoning_details}, {@code cache_control} on the content parts.
 */
final class MessagesRequestTranslator {

    private static final Set<String> TOP_LEVEL = Set.of("model", "messages", "system", "max_tokens", "metadata",
            "stop_sequences", "stream", "temperature", "top_p", "top_k", "thinking", "tools", "tool_choice",
            "models", "provider", "preset", "service_tier", "context_management");
    /** What Anthropic answers for reasoning_details of its own models (OpenRouter's format name). */
    static final String REASONING_FORMAT = "anthropic-claude-v1";

    private MessagesRequestTranslator() {
    }

    /**
     * The canonical chat body of a Messages request; {@code countOnly} for count_tokens, where
     * {@code max_tokens} is not required.
     */
    static ObjectNode toChat(ObjectNode in, boolean countOnly) {
        BadRequest.onlyKnown(in, TOP_LEVEL, "");
        ObjectNode out = Json.object();
        copy(in, out, "model");
        copy(in, out, "models");
        copy(in, out, "provider");
        copy(in, out, "preset");
        ArrayNode messages = out.putArray("messages");
        system(in.get("system"), messages);
        JsonNode list = in.get("messages");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw GatewayException.badRequest(list == null || list.isNull() ? "'messages' is required"
                    : list.isArray() ? "'messages' must not be empty" : "Wrong type for 'messages': expected an array");
        }
        for (int i = 0; i < list.size(); i++) {
            MessagesContentBlocks.message(list.get(i), "messages[" + i + "]", messages);
        }
        parameters(in, out, countOnly);
        tools(in, out);
        serviceTier(in.get("service_tier"), out);
        contextManagement(in.get("context_management"));
        return out;
    }

    /**
     * Anthropic's {@code service_tier}: {@code standard_only}, and {@code auto} (priority capacity when
     * the account has bought some, else standard), are both the standard tier every endpoint here
     * serves and the catalog prices; they go on as OpenAI's {@code default} / {@code auto}.
     */
    private static void serviceTier(JsonNode tier, ObjectNode out) {
        if (tier == null || tier.isNull()) {
            return;
        }
        switch (tier.asText("")) {
            case "auto" -> out.put("service_tier", "auto");
            case "standard_only" -> out.put("service_tier", "default");
            default -> throw BadRequest.unsupported("service_tier", "expected auto or standard_only");
        }
    }

    /**
     * {@code context_management} asks Anthropic to edit the context server-side (clear old tool
     * results or thinking once the prompt grows). The gateway does not apply such edits for the other
     * protocols, so a request with edits is refused rather than sent on unedited; none is fine.
     */
    private static void contextManagement(JsonNode value) {
        JsonNode management = BadRequest.object(value, "context_management", Set.of("edits"));
        JsonNode edits = management == null ? null : management.get("edits");
        if (edits != null && !edits.isNull() && !(edits.isArray() && edits.isEmpty())) {
            throw BadRequest.unsupported("context_management", "server-side context edits (clearing tool results or"
                    + " thinking) are not applied by this gateway; trim the conversation client-side");
        }
    }

    // ---------------------------------------------------------------- messages

    private static void system(JsonNode system, ArrayNode messages) {
        if (system == null || system.isNull()) {
            return;
        }
        if (system.isTextual()) {
            messages.addObject().put("role", "system").put("content", system.asText());
            return;
        }
        if (!system.isArray()) {
            throw GatewayException.badRequest("Wrong type for 'system': expected a string or an array of text blocks");
        }
        ArrayNode parts = Json.NODES.arrayNode();
        for (int i = 0; i < system.size(); i++) {
            String path = "system[" + i + "]";
            JsonNode block = MessagesContentBlocks.block(system.get(i), path, Set.of("text"));
            parts.add(MessagesContentBlocks.textPart(block, path));
        }
        messages.addObject().put("role", "system").set("content", MessagesContentBlocks.collapse(parts));
    }

    private static void parameters(JsonNode in, ObjectNode out, boolean countOnly) {
        JsonNode max = in.get("max_tokens");
        if (max == null || max.isNull()) {
            if (!countOnly) {
                throw GatewayException.badRequest("'max_tokens' is required");
            }
        } else {
            out.set("max_tokens", max); // type and range checked with the canonical body
        }
        JsonNode stream = in.get("stream");
        if (stream != null && !countOnly) {
            out.set("stream", stream);
        }
        for (String number : new String[] { "temperature", "top_p" }) {
            JsonNode v = in.get(number);
            if (v != null && !v.isNull()) {
                if (!v.isNumber()) {
                    throw GatewayException.badRequest("Wrong type for '" + number + "': expected a number");
                }
                out.set(number, v);
            }
        }
        JsonNode topK = in.get("top_k");
        if (topK != null && !topK.isNull()) {
            if (!topK.isIntegralNumber()) {
                throw GatewayException.badRequest("Wrong type for 'top_k': expected an integer");
            }
            out.set("top_k", topK);
        }
        JsonNode stop = in.get("stop_sequences");
        if (stop != null && !stop.isNull()) {
            if (!stop.isArray()) {
                throw GatewayException.badRequest("Wrong type for 'stop_sequences': expected an array of strings");
            }
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw GatewayException.badRequest("Wrong type for 'stop_sequences': expected an array of strings");
                }
            }
            if (!stop.isEmpty()) {
                out.set("stop", stop);
            }
        }
        thinking(in.get("thinking"), out);
        JsonNode metadata = BadRequest.object(in.get("metadata"), "metadata", Set.of("user_id"));
        if (metadata != null) {
            String user = string(metadata, "user_id", "metadata", false);
            if (user != null) {
                out.put("user", user);
            }
        }
    }

    private static void thinking(JsonNode value, ObjectNode out) {
        JsonNode thinking = BadRequest.object(value, "thinking", Set.of("type", "budget_tokens"));
        if (thinking == null) {
            return;
        }
        String type = string(thinking, "type", "thinking", true);
        switch (type) {
            case "enabled" -> {
                JsonNode budget = thinking.get("budget_tokens");
                if (budget == null || !budget.isIntegralNumber() || budget.asLong() < 1) {
                    throw GatewayException.badRequest("'thinking.budget_tokens' must be a positive integer");
                }
                out.putObject("reasoning").put("max_tokens", budget.asInt());
            }
            case "disabled" -> { }
            default -> throw GatewayException.badRequest("Unsupported 'thinking.type' '" + type
                    + "': expected enabled or disabled");
        }
    }

    private static void tools(JsonNode in, ObjectNode out) {
        JsonNode tools = in.get("tools");
        if (tools != null && !tools.isNull()) {
            if (!tools.isArray()) {
                throw GatewayException.badRequest("Wrong type for 'tools': expected an array");
            }
            ArrayNode functions = Json.NODES.arrayNode();
            for (int i = 0; i < tools.size(); i++) {
                functions.add(tool(tools.get(i), "tools[" + i + "]"));
            }
            if (!functions.isEmpty()) {
                out.set("tools", functions);
            }
        }
        JsonNode choice = BadRequest.object(in.get("tool_choice"), "tool_choice",
                Set.of("type", "name", "disable_parallel_tool_use"));
        if (choice == null) {
            return;
        }
        String type = string(choice, "type", "tool_choice", true);
        switch (type) {
            case "auto" -> out.put("tool_choice", "auto");
            case "any" -> out.put("tool_choice", "required");
            case "none" -> out.put("tool_choice", "none");
            case "tool" -> out.putObject("tool_choice").put("type", "function").putObject("function")
                    .put("name", string(choice, "name", "tool_choice", true));
            default -> throw GatewayException.badRequest("Unsupported 'tool_choice.type' '" + type
                    + "': expected auto, any, tool or none");
        }
        JsonNode serial = choice.get("disable_parallel_tool_use");
        if (serial != null && !serial.isNull()) {
            if (!serial.isBoolean()) {
                throw GatewayException.badRequest("Wrong type for 'tool_choice.disable_parallel_tool_use': expected a boolean");
            }
            if (serial.asBoolean() && out.has("tools")) {
                out.put("parallel_tool_calls", false);
            }
        }
    }

    /** A client tool as a chat function tool; server tools (web search, bash …) the gateway cannot run are refused. */
    private static ObjectNode tool(JsonNode tool, String at) {
        if (!tool.isObject()) {
            throw GatewayException.badRequest("Wrong type for '" + at + "': expected an object");
        }
        String type = string(tool, "type", at, false);
        if (type != null && !type.equals("custom")) {
            throw GatewayException.badRequest("Unsupported tool type '" + type + "' at '" + at
                    + "': only client tools (name, description, input_schema) are supported");
        }
        BadRequest.onlyKnown(tool, Set.of("type", "name", "description", "input_schema", "cache_control"), at);
        JsonNode schema = tool.get("input_schema");
        if (schema == null || !schema.isObject()) {
            throw GatewayException.badRequest("Wrong type for '" + at + ".input_schema': expected an object");
        }
        ObjectNode function = Json.object().put("name", string(tool, "name", at, true));
        String description = string(tool, "description", at, false);
        if (description != null) {
            function.put("description", description);
        }
        function.set("parameters", schema);
        ObjectNode out = Json.object().put("type", "function");
        out.set("function", function);
        MessagesContentBlocks.cacheControl(tool, at, out);
        return out;
    }

    // ---------------------------------------------------------------- values

    static String string(JsonNode node, String field, String at, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw GatewayException.badRequest("'" + at + "." + field + "' is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw GatewayException.badRequest("Wrong type for '" + at + "." + field + "': expected a string");
        }
        return v.asText();
    }

    private static void copy(JsonNode in, ObjectNode out, String field) {
        if (in.has(field)) {
            out.set(field, in.get(field));
        }
    }
}
