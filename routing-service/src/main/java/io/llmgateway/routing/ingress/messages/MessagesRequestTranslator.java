package io.llmgateway.routing.ingress.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.canonical.Json;
import java.util.Iterator;
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
            "models", "provider", "preset");
    /** Block type -> the fields it may carry (besides {@code type}). */
    private static final java.util.Map<String, Set<String>> BLOCK_FIELDS = java.util.Map.of(
            "text", Set.of("text", "cache_control", "citations"),
            "image", Set.of("source", "cache_control"),
            "document", Set.of("source", "title", "context", "citations", "cache_control"),
            "tool_use", Set.of("id", "name", "input", "cache_control"),
            "tool_result", Set.of("tool_use_id", "content", "is_error", "cache_control"),
            "thinking", Set.of("thinking", "signature"),
            "redacted_thinking", Set.of("data"));
    private static final Set<String> USER_BLOCKS = Set.of("text", "image", "document", "tool_result");
    private static final Set<String> ASSISTANT_BLOCKS = Set.of("text", "tool_use", "thinking", "redacted_thinking");
    /** What Anthropic answers for reasoning_details of its own models (OpenRouter's format name). */
    static final String REASONING_FORMAT = "anthropic-claude-v1";

    private MessagesRequestTranslator() {
    }

    /**
     * The canonical chat body of a Messages request; {@code countOnly} for count_tokens, where
     * {@code max_tokens} is not required.
     */
    static ObjectNode toChat(ObjectNode in, boolean countOnly) {
        for (Iterator<String> it = in.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!TOP_LEVEL.contains(field)) {
                throw GatewayException.badRequest("Unknown field '" + field + "': this gateway does not support it");
            }
        }
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
            message(list.get(i), "messages[" + i + "]", messages);
        }
        parameters(in, out, countOnly);
        tools(in, out);
        return out;
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
            JsonNode block = block(system.get(i), path, Set.of("text"));
            parts.add(textPart(block, path));
        }
        messages.addObject().put("role", "system").set("content", collapse(parts));
    }

    private static void message(JsonNode m, String path, ArrayNode messages) {
        if (!m.isObject()) {
            throw GatewayException.badRequest("Wrong type for '" + path + "': expected an object");
        }
        for (Iterator<String> it = m.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!field.equals("role") && !field.equals("content")) {
                throw GatewayException.badRequest("Unknown field '" + path + "." + field + "'");
            }
        }
        String role = Json.text(m, "role");
        if (!"user".equals(role) && !"assistant".equals(role)) {
            throw GatewayException.badRequest("'" + path + ".role' must be user or assistant");
        }
        JsonNode content = m.get("content");
        if (content == null || content.isNull()) {
            throw GatewayException.badRequest("'" + path + ".content' is required");
        }
        if (content.isTextual()) {
            messages.addObject().put("role", role).put("content", content.asText());
            return;
        }
        if (!content.isArray()) {
            throw GatewayException.badRequest("Wrong type for '" + path + ".content': expected a string or an array of blocks");
        }
        if (content.isEmpty()) {
            throw GatewayException.badRequest("'" + path + ".content' must not be empty");
        }
        if (role.equals("user")) {
            user(content, path, messages);
        } else {
            assistant(content, path, messages);
        }
    }

    /** tool_result blocks become tool messages (first, as chat wants them after the tool calls), the rest one user message. */
    private static void user(JsonNode content, String path, ArrayNode messages) {
        ArrayNode parts = Json.NODES.arrayNode();
        for (int i = 0; i < content.size(); i++) {
            String at = path + ".content[" + i + "]";
            JsonNode block = block(content.get(i), at, USER_BLOCKS);
            switch (block.get("type").asText()) {
                case "tool_result" -> messages.add(toolResult(block, at));
                case "image" -> parts.add(image(block, at));
                case "document" -> document(block, at, parts);
                default -> parts.add(textPart(block, at));
            }
        }
        if (!parts.isEmpty()) {
            messages.addObject().put("role", "user").set("content", collapse(parts));
        }
    }

    private static void assistant(JsonNode content, String path, ArrayNode messages) {
        ArrayNode parts = Json.NODES.arrayNode();
        ArrayNode calls = Json.NODES.arrayNode();
        ArrayNode reasoning = Json.NODES.arrayNode();
        for (int i = 0; i < content.size(); i++) {
            String at = path + ".content[" + i + "]";
            JsonNode block = block(content.get(i), at, ASSISTANT_BLOCKS);
            int detail = reasoning.size();
            switch (block.get("type").asText()) {
                case "tool_use" -> {
                    ObjectNode call = calls.addObject().put("id", string(block, "id", at, true)).put("type", "function");
                    JsonNode input = block.get("input");
                    if (input == null || !input.isObject()) {
                        throw GatewayException.badRequest("Wrong type for '" + at + ".input': expected an object");
                    }
                    call.putObject("function").put("name", string(block, "name", at, true))
                            .put("arguments", input.toString());
                }
                case "thinking" -> {
                    ObjectNode text = reasoning.addObject().put("type", "reasoning.text")
                            .put("text", string(block, "thinking", at, true));
                    String signature = string(block, "signature", at, false);
                    if (signature != null) {
                        text.put("signature", signature);
                    }
                    text.put("format", REASONING_FORMAT).put("index", detail);
                }
                case "redacted_thinking" -> reasoning.addObject().put("type", "reasoning.encrypted")
                        .put("data", string(block, "data", at, true)).put("format", REASONING_FORMAT)
                        .put("index", detail);
                default -> parts.add(textPart(block, at));
            }
        }
        ObjectNode message = messages.addObject().put("role", "assistant");
        if (parts.isEmpty()) {
            message.putNull("content");
        } else {
            message.set("content", collapse(parts));
        }
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        if (!reasoning.isEmpty()) {
            message.set("reasoning_details", reasoning);
        }
    }

    private static ObjectNode toolResult(JsonNode block, String at) {
        ObjectNode tool = Json.object().put("role", "tool").put("tool_call_id", string(block, "tool_use_id", at, true));
        JsonNode content = block.get("content");
        JsonNode isError = block.get("is_error");
        if (isError != null && !isError.isNull() && !isError.isBoolean()) {
            throw GatewayException.badRequest("Wrong type for '" + at + ".is_error': expected a boolean");
        }
        // chat has no error flag on a tool message: the model reads it in the text
        String prefix = isError != null && isError.asBoolean() ? "Error: " : "";
        ArrayNode parts = Json.NODES.arrayNode();
        if (content == null || content.isNull()) {
            parts.addObject().put("type", "text").put("text", prefix);
        } else if (content.isTextual()) {
            parts.addObject().put("type", "text").put("text", prefix + content.asText());
        } else if (content.isArray()) {
            for (int i = 0; i < content.size(); i++) {
                String path = at + ".content[" + i + "]";
                JsonNode inner = block(content.get(i), path, Set.of("text", "image", "document"));
                switch (inner.get("type").asText()) {
                    case "image" -> parts.add(image(inner, path));
                    case "document" -> document(inner, path, parts);
                    default -> parts.add(textPart(inner, path));
                }
            }
            if (!prefix.isEmpty() || parts.isEmpty()) {
                parts.insertObject(0).put("type", "text").put("text", prefix);
            }
        } else {
            throw GatewayException.badRequest("Wrong type for '" + at + ".content': expected a string or an array of blocks");
        }
        cacheControl(block, at, (ObjectNode) parts.get(parts.size() - 1));
        tool.set("content", collapse(parts));
        return tool;
    }

    // ---------------------------------------------------------------- blocks

    /** A block object of one of the allowed types, with no field its type does not have. */
    private static JsonNode block(JsonNode block, String at, Set<String> allowed) {
        if (!block.isObject()) {
            throw GatewayException.badRequest("Wrong type for '" + at + "': expected a content block object");
        }
        String type = Json.text(block, "type");
        if (type == null) {
            throw GatewayException.badRequest("'" + at + ".type' is required");
        }
        if (!allowed.contains(type)) {
            throw GatewayException.badRequest("Unsupported block type '" + type + "' at '" + at + "': expected one of "
                    + new java.util.TreeSet<>(allowed));
        }
        Set<String> fields = BLOCK_FIELDS.get(type);
        for (Iterator<String> it = block.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!field.equals("type") && !fields.contains(field)) {
                throw GatewayException.badRequest("Unknown field '" + at + "." + field + "' in a " + type + " block");
            }
        }
        JsonNode citations = block.get("citations");
        if (citations != null && !citations.isNull() && !(citations.isArray() && citations.isEmpty())
                && !(citations.isObject() && !citations.path("enabled").asBoolean())) {
            throw GatewayException.badRequest("'" + at + ".citations' is not supported by this gateway");
        }
        return block;
    }

    private static ObjectNode textPart(JsonNode block, String at) {
        ObjectNode part = Json.object().put("type", "text").put("text", string(block, "text", at, true));
        cacheControl(block, at, part);
        return part;
    }

    private static ObjectNode image(JsonNode block, String at) {
        JsonNode source = source(block, at);
        String type = string(source, "type", at + ".source", true);
        String url = switch (type) {
            case "base64" -> "data:" + string(source, "media_type", at + ".source", true) + ";base64,"
                    + string(source, "data", at + ".source", true);
            case "url" -> string(source, "url", at + ".source", true);
            default -> throw GatewayException.badRequest("Unsupported image source type '" + type + "' at '" + at
                    + ".source': expected base64 or url");
        };
        ObjectNode part = Json.object().put("type", "image_url");
        part.putObject("image_url").put("url", url);
        cacheControl(block, at, part);
        return part;
    }

    /** PDFs (base64 or url) become chat {@code file} parts; plain-text documents become text. */
    private static void document(JsonNode block, String at, ArrayNode parts) {
        JsonNode source = source(block, at);
        String title = string(block, "title", at, false);
        String context = string(block, "context", at, false);
        if (context != null) {
            parts.addObject().put("type", "text").put("text", context);
        }
        String src = at + ".source";
        String type = string(source, "type", src, true);
        ObjectNode part;
        switch (type) {
            case "base64" -> {
                String media = string(source, "media_type", src, true);
                part = filePart(title, "data:" + media + ";base64," + string(source, "data", src, true));
            }
            case "url" -> part = filePart(title, string(source, "url", src, true));
            case "text" -> part = Json.object().put("type", "text").put("text", string(source, "data", src, true));
            case "content" -> {
                JsonNode inner = source.get("content");
                if (inner != null && inner.isTextual()) {
                    part = Json.object().put("type", "text").put("text", inner.asText());
                } else if (inner != null && inner.isArray() && !inner.isEmpty()) {
                    for (int i = 0; i < inner.size() - 1; i++) {
                        parts.add(textPart(block(inner.get(i), src + ".content[" + i + "]", Set.of("text")),
                                src + ".content[" + i + "]"));
                    }
                    int last = inner.size() - 1;
                    part = textPart(block(inner.get(last), src + ".content[" + last + "]", Set.of("text")),
                            src + ".content[" + last + "]");
                } else {
                    throw GatewayException.badRequest("Wrong type for '" + src + ".content': expected a string or text blocks");
                }
            }
            default -> throw GatewayException.badRequest("Unsupported document source type '" + type + "' at '" + src
                    + "': expected base64, url, text or content");
        }
        cacheControl(block, at, part);
        parts.add(part);
    }

    private static ObjectNode filePart(String title, String data) {
        ObjectNode part = Json.object().put("type", "file");
        part.putObject("file").put("filename", title == null ? "document.pdf" : title).put("file_data", data);
        return part;
    }

    private static JsonNode source(JsonNode block, String at) {
        JsonNode source = block.get("source");
        if (source == null || !source.isObject()) {
            throw GatewayException.badRequest("Wrong type for '" + at + ".source': expected an object");
        }
        return source;
    }

    private static void cacheControl(JsonNode block, String at, ObjectNode part) {
        JsonNode cache = block.get("cache_control");
        if (cache == null || cache.isNull()) {
            return;
        }
        if (!cache.isObject()) {
            throw GatewayException.badRequest("Wrong type for '" + at + ".cache_control': expected an object");
        }
        part.set("cache_control", cache);
    }

    /** One plain text part is sent as a string (what every provider takes); anything else stays parts. */
    private static JsonNode collapse(ArrayNode parts) {
        if (parts.size() == 1 && "text".equals(Json.text(parts.get(0), "type")) && !parts.get(0).has("cache_control")) {
            return parts.get(0).get("text");
        }
        return parts;
    }

    // ---------------------------------------------------------------- parameters and tools

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
        JsonNode metadata = in.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                throw GatewayException.badRequest("Wrong type for 'metadata': expected an object");
            }
            for (Iterator<String> it = metadata.fieldNames(); it.hasNext();) {
                String field = it.next();
                if (!field.equals("user_id")) {
                    throw GatewayException.badRequest("Unknown field 'metadata." + field + "'");
                }
            }
            String user = string(metadata, "user_id", "metadata", false);
            if (user != null) {
                out.put("user", user);
            }
        }
    }

    private static void thinking(JsonNode thinking, ObjectNode out) {
        if (thinking == null || thinking.isNull()) {
            return;
        }
        if (!thinking.isObject()) {
            throw GatewayException.badRequest("Wrong type for 'thinking': expected an object");
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
        JsonNode choice = in.get("tool_choice");
        if (choice == null || choice.isNull()) {
            return;
        }
        if (!choice.isObject()) {
            throw GatewayException.badRequest("Wrong type for 'tool_choice': expected an object");
        }
        for (Iterator<String> it = choice.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!Set.of("type", "name", "disable_parallel_tool_use").contains(field)) {
                throw GatewayException.badRequest("Unknown field 'tool_choice." + field + "'");
            }
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
        for (Iterator<String> it = tool.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!Set.of("type", "name", "description", "input_schema", "cache_control").contains(field)) {
                throw GatewayException.badRequest("Unknown field '" + at + "." + field + "'");
            }
        }
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
        return out;
    }

    // ---------------------------------------------------------------- values

    private static String string(JsonNode node, String field, String at, boolean required) {
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
