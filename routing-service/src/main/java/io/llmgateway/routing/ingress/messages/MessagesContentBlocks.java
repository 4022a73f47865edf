package io.llmgateway.routing.ingress.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.ingress.chat.BadRequest;
import java.util.Set;

/**
 * The content of Messages turns as canonical chat messages: user blocks (text, images, PDF and text
 * documents as file parts, tool results as tool messages) and assistant blocks (text, tool uses as
 * tool calls, thinking and redacted thinking as {@code reasoning_details}), each block's fields
 * checked and {@code cache_control} kept on the part it marks.
 */
final class MessagesContentBlocks {

    private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content");
    /** Block type -> the fields it may carry. */
    private static final java.util.Map<String, Set<String>> BLOCK_FIELDS = java.util.Map.of(
            "text", Set.of("type", "text", "cache_control", "citations"),
            "image", Set.of("type", "source", "cache_control"),
            "document", Set.of("type", "source", "title", "context", "citations", "cache_control"),
            "tool_use", Set.of("type", "id", "name", "input", "cache_control"),
            "tool_result", Set.of("type", "tool_use_id", "content", "is_error", "cache_control"),
            "thinking", Set.of("type", "thinking", "signature"),
            "redacted_thinking", Set.of("type", "data"));
    private static final Set<String> USER_BLOCKS = Set.of("text", "image", "document", "tool_result");
    private static final Set<String> ASSISTANT_BLOCKS = Set.of("text", "tool_use", "thinking", "redacted_thinking");

    private MessagesContentBlocks() {
    }

    static void message(JsonNode m, String path, ArrayNode messages) {
        if (!m.isObject()) {
            throw GatewayException.badRequest("Wrong type for '" + path + "': expected an object");
        }
        BadRequest.onlyKnown(m, MESSAGE_FIELDS, path);
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
                    ObjectNode call = calls.addObject().put("id", MessagesRequestTranslator.string(block, "id", at, true)).put("type", "function");
                    JsonNode input = block.get("input");
                    if (input == null || !input.isObject()) {
                        throw GatewayException.badRequest("Wrong type for '" + at + ".input': expected an object");
                    }
                    call.putObject("function").put("name", MessagesRequestTranslator.string(block, "name", at, true))
                            .put("arguments", input.toString());
                    cacheControl(block, at, call);
                }
                case "thinking" -> ThinkingBlocks.fromThinking(MessagesRequestTranslator.string(block, "thinking", at, true),
                        MessagesRequestTranslator.string(block, "signature", at, false), detail, at, reasoning);
                case "redacted_thinking" -> ThinkingBlocks.fromRedacted(
                        MessagesRequestTranslator.string(block, "data", at, true), detail, at, reasoning);
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
        ObjectNode tool = Json.object().put("role", "tool").put("tool_call_id", MessagesRequestTranslator.string(block, "tool_use_id", at, true));
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
    static JsonNode block(JsonNode block, String at, Set<String> allowed) {
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
        BadRequest.onlyKnown(block, BLOCK_FIELDS.get(type), at);
        JsonNode citations = block.get("citations");
        if (citations != null && !citations.isNull() && !(citations.isArray() && citations.isEmpty())
                && !(citations.isObject() && !citations.path("enabled").asBoolean())) {
            throw GatewayException.badRequest("'" + at + ".citations' is not supported by this gateway");
        }
        return block;
    }

    static ObjectNode textPart(JsonNode block, String at) {
        ObjectNode part = Json.object().put("type", "text").put("text", MessagesRequestTranslator.string(block, "text", at, true));
        cacheControl(block, at, part);
        return part;
    }

    private static ObjectNode image(JsonNode block, String at) {
        JsonNode source = source(block, at);
        String type = MessagesRequestTranslator.string(source, "type", at + ".source", true);
        String url = switch (type) {
            case "base64" -> "data:" + MessagesRequestTranslator.string(source, "media_type", at + ".source", true) + ";base64,"
                    + MessagesRequestTranslator.string(source, "data", at + ".source", true);
            case "url" -> MessagesRequestTranslator.string(source, "url", at + ".source", true);
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
        String title = MessagesRequestTranslator.string(block, "title", at, false);
        String context = MessagesRequestTranslator.string(block, "context", at, false);
        if (context != null) {
            parts.addObject().put("type", "text").put("text", context);
        }
        String src = at + ".source";
        String type = MessagesRequestTranslator.string(source, "type", src, true);
        ObjectNode part;
        switch (type) {
            case "base64" -> {
                String media = MessagesRequestTranslator.string(source, "media_type", src, true);
                part = filePart(title, "data:" + media + ";base64," + MessagesRequestTranslator.string(source, "data", src, true));
            }
            case "url" -> part = filePart(title, MessagesRequestTranslator.string(source, "url", src, true));
            case "text" -> part = Json.object().put("type", "text").put("text", MessagesRequestTranslator.string(source, "data", src, true));
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

    /** A block's cache_control, kept on what carries it in the chat form (a part, a tool, a tool call). */
    static void cacheControl(JsonNode block, String at, ObjectNode part) {
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
    static JsonNode collapse(ArrayNode parts) {
        if (parts.size() == 1 && "text".equals(Json.text(parts.get(0), "type")) && !parts.get(0).has("cache_control")) {
            return parts.get(0).get("text");
        }
        return parts;
    }

    // ---------------------------------------------------------------- parameters and tools
}
