package io.llmgateway.routing.ingress.chat;

import static io.llmgateway.routing.ingress.chat.BadRequest.absent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.Json;
import java.util.Map;
import java.util.Set;

/**
 * {@code messages}: roles, content (a string or typed parts), tool calls and tool results. Answers the
 * prompt's text length, from which selection estimates its tokens.
 */
final class MessageValidator {

    static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    /** Content part types and the object each one must carry. */
    private static final Map<String, String> PARTS = Map.of("text", "text", "image_url", "image_url",
            "input_audio", "input_audio", "file", "file", "video_url", "video_url", "input_video", "video_url");

    private MessageValidator() {
    }

    static long check(ObjectNode body) {
        JsonNode messages = body.get("messages");
        if (absent(messages)) {
            throw BadRequest.required("messages");
        }
        if (!messages.isArray()) {
            throw BadRequest.type("messages", "an array");
        }
        if (messages.isEmpty()) {
            throw BadRequest.field("messages", "must not be empty");
        }
        long chars = 0;
        for (int i = 0; i < messages.size(); i++) {
            String at = "messages[" + i + "]";
            JsonNode m = messages.get(i);
            if (!m.isObject()) {
                throw BadRequest.type(at, "an object");
            }
            JsonNode roleNode = m.get("role");
            if (roleNode == null || !roleNode.isTextual() || !ROLES.contains(roleNode.asText())) {
                throw BadRequest.field(at + ".role", "must be one of " + SamplingValidator.sorted(ROLES));
            }
            String role = roleNode.asText();
            JsonNode content = m.get("content");
            boolean calls = m.has("tool_calls") && !m.get("tool_calls").isNull();
            if (absent(content)) {
                if (!role.equals("assistant")) {
                    throw BadRequest.field(at + ".content", "required for a " + role + " message");
                }
            } else if (content.isArray()) {
                parts(content, at + ".content", role);
            } else if (!content.isTextual()) {
                throw BadRequest.type(at + ".content", "a string or an array of content parts");
            }
            JsonNode name = m.get("name");
            if (!absent(name) && !name.isTextual()) {
                throw BadRequest.type(at + ".name", "a string");
            }
            if (role.equals("tool")) {
                JsonNode id = m.get("tool_call_id");
                if (id == null || !id.isTextual() || id.asText().isEmpty()) {
                    throw BadRequest.field(at + ".tool_call_id", "required: the id of the tool call this answers");
                }
            }
            if (calls) {
                if (!role.equals("assistant")) {
                    throw BadRequest.field(at + ".tool_calls", "only assistant messages carry tool calls");
                }
                toolCalls(m.get("tool_calls"), at + ".tool_calls");
                chars += m.get("tool_calls").toString().length();
            }
            chars += Json.contentText(content).length();
        }
        JsonNode tools = body.get("tools");
        if (tools != null) {
            chars += tools.toString().length();
        }
        return chars;
    }

    private static void parts(JsonNode content, String at, String role) {
        for (int j = 0; j < content.size(); j++) {
            String p = at + "[" + j + "]";
            JsonNode part = content.get(j);
            if (!part.isObject()) {
                throw BadRequest.type(p, "a content part object");
            }
            JsonNode type = part.get("type");
            if (type == null || !type.isTextual() || !PARTS.containsKey(type.asText())) {
                throw BadRequest.field(p + ".type", "must be one of " + SamplingValidator.sorted(PARTS.keySet()));
            }
            String t = type.asText();
            if ((role.equals("system") || role.equals("developer")) && !t.equals("text")) {
                throw BadRequest.field(p + ".type", "a " + role + " message holds text parts only");
            }
            String key = PARTS.get(t);
            JsonNode value = part.get(key);
            switch (t) {
                case "text" -> {
                    if (value == null || !value.isTextual()) {
                        throw BadRequest.field(p + ".text", "required string");
                    }
                }
                case "image_url", "video_url", "input_video" -> {
                    if (value == null || !value.isObject() || !value.path("url").isTextual()) {
                        throw BadRequest.field(p + "." + key + ".url", "required string (an https or data: URL)");
                    }
                    JsonNode detail = value.get("detail");
                    if (!absent(detail) && !Set.of("auto", "low", "high", "original").contains(detail.asText())) {
                        throw BadRequest.field(p + "." + key + ".detail", "must be auto, low, high or original");
                    }
                }
                case "input_audio" -> {
                    if (value == null || !value.isObject() || !value.path("data").isTextual()
                            || !value.path("format").isTextual()) {
                        throw BadRequest.field(p + ".input_audio", "required object with string 'data' (base64) and 'format'");
                    }
                }
                default -> { // file
                    if (value == null || !value.isObject()
                            || !(value.path("file_data").isTextual() || value.path("file_id").isTextual())) {
                        throw BadRequest.field(p + ".file", "required object with 'file_data' (a data: URL or URL) or 'file_id'");
                    }
                }
            }
        }
    }

    private static void toolCalls(JsonNode calls, String at) {
        if (!calls.isArray()) {
            throw BadRequest.type(at, "an array");
        }
        for (int k = 0; k < calls.size(); k++) {
            String c = at + "[" + k + "]";
            JsonNode call = calls.get(k);
            if (!call.isObject() || !call.path("id").isTextual()) {
                throw BadRequest.field(c + ".id", "required string");
            }
            JsonNode f = call.get("function");
            if (f == null || !f.isObject() || !f.path("name").isTextual()) {
                throw BadRequest.field(c + ".function.name", "required string");
            }
            JsonNode args = f.get("arguments");
            if (!absent(args) && !args.isTextual()) {
                throw BadRequest.type(c + ".function.arguments", "a string (JSON text)");
            }
        }
    }
}
