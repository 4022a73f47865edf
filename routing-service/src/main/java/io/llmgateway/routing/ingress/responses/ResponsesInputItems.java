package io.llmgateway.routing.ingress.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.SealedReasoning;
import java.util.Set;

/**
 * The {@code input} items of a Responses request as canonical chat messages: message items and their
 * parts, {@code function_call} and {@code function_call_output} items, and {@code reasoning} items
 * (carried as the next assistant message's {@code reasoning_details}). Anything it cannot carry is
 * refused with a 400 that names the item.
 */
final class ResponsesInputItems {

    private static final Set<String> MESSAGE_ROLES = Set.of("user", "assistant", "system", "developer");

    private ResponsesInputItems() {
    }

    static void input(JsonNode input, ArrayNode messages) {
        if (input == null || input.isNull()) {
            throw GatewayException.badRequest("'input' is required");
        }
        if (input.isTextual()) {
            if (input.asText().isEmpty()) {
                throw GatewayException.badRequest("'input' must not be empty");
            }
            messages.addObject().put("role", "user").put("content", input.asText());
            return;
        }
        if (!input.isArray()) {
            throw GatewayException.badRequest("Wrong type for 'input': expected a string or an array of items");
        }
        if (input.isEmpty()) {
            throw GatewayException.badRequest("'input' must not be empty");
        }
        ArrayNode reasoning = null; // reasoning items wait for the assistant turn they belong to
        int i = 0;
        for (JsonNode item : input) {
            String where = "input[" + i++ + "]";
            if (!item.isObject()) {
                throw GatewayException.badRequest("Wrong type for '" + where + "': expected an object");
            }
            String type = Json.text(item, "type");
            if (type == null && item.has("role")) {
                type = "message"; // the easy form {role, content}
            }
            if (type == null) {
                throw GatewayException.badRequest("'" + where + ".type' is required");
            }
            if (type.equals("reasoning")) {
                ArrayNode details = reasoningDetails(item, where);
                if (!details.isEmpty()) {
                    reasoning = reasoning == null ? Json.NODES.arrayNode() : reasoning;
                    reasoning.addAll(details);
                }
                continue;
            }
            ObjectNode assistant = switch (type) {
                case "message" -> message(item, where, messages);
                case "function_call" -> functionCall(item, where, messages);
                case "function_call_output" -> {
                    functionCallOutput(item, where, messages);
                    yield null;
                }
                default -> throw GatewayException.badRequest("Unsupported input item type '" + type + "' at '" + where
                        + "': this gateway accepts message, function_call, function_call_output and reasoning items");
            };
            if (reasoning != null) {
                if (assistant == null) {
                    throw GatewayException.badRequest("A reasoning item at '" + where + "' must be followed by the"
                            + " assistant's message or function_call item it belongs to");
                }
                ArrayNode carried = assistant.has("reasoning_details") ? (ArrayNode) assistant.get("reasoning_details")
                        : assistant.putArray("reasoning_details");
                carried.addAll(reasoning);
                reasoning = null;
            }
        }
        if (reasoning != null) {
            throw GatewayException.badRequest("The last input item is a reasoning item: it must be followed by the"
                    + " assistant's message or function_call item it belongs to");
        }
    }

    /** Adds a message; returns it when it is the assistant's (reasoning may attach to it). */
    private static ObjectNode message(JsonNode item, String where, ArrayNode messages) {
        JsonNode roleNode = item.get("role");
        String role = roleNode == null || !roleNode.isTextual() ? null : roleNode.asText();
        if (role == null || !MESSAGE_ROLES.contains(role)) {
            throw GatewayException.badRequest("'" + where + ".role' must be one of " + MESSAGE_ROLES);
        }
        ObjectNode message = messages.addObject().put("role", role.equals("developer") ? "system" : role);
        JsonNode content = item.get("content");
        if (content == null || content.isNull()) {
            throw GatewayException.badRequest("'" + where + ".content' is required");
        }
        if (content.isTextual()) {
            message.put("content", content.asText());
        } else if (content.isArray()) {
            ArrayNode parts = Json.NODES.arrayNode();
            int p = 0;
            for (JsonNode part : content) {
                parts.add(part(part, where + ".content[" + p++ + "]", role));
            }
            // one text part is a plain string: every provider takes that for every role
            if (parts.size() == 1 && "text".equals(Json.text(parts.get(0), "type"))) {
                message.put("content", parts.get(0).get("text").asText());
            } else if (!role.equals("user") && allText(parts)) {
                message.put("content", Json.contentText(parts));
            } else {
                message.set("content", parts);
            }
        } else {
            throw GatewayException.badRequest("Wrong type for '" + where + ".content': expected a string or an array");
        }
        return role.equals("assistant") ? message : null;
    }

    private static boolean allText(ArrayNode parts) {
        for (JsonNode p : parts) {
            if (!"text".equals(Json.text(p, "type"))) {
                return false;
            }
        }
        return true;
    }

    /** One content part as a chat content part. */
    private static ObjectNode part(JsonNode part, String where, String role) {
        if (!part.isObject()) {
            throw GatewayException.badRequest("Wrong type for '" + where + "': expected an object");
        }
        String type = Json.text(part, "type");
        if (type == null) {
            throw GatewayException.badRequest("'" + where + ".type' is required");
        }
        switch (type) {
            case "input_text", "output_text" -> {
                return Json.object().put("type", "text").put("text", requiredText(part, "text", where));
            }
            case "refusal" -> {
                return Json.object().put("type", "text").put("text", requiredText(part, "refusal", where));
            }
            case "input_image" -> {
                notAssistant(role, type, where);
                if (part.hasNonNull("file_id")) {
                    throw fileId(where);
                }
                String url = requiredText(part, "image_url", where);
                ObjectNode image = Json.object().put("type", "image_url");
                ObjectNode imageUrl = image.putObject("image_url").put("url", url);
                if (part.hasNonNull("detail")) {
                    imageUrl.put("detail", part.get("detail").asText());
                }
                return image;
            }
            case "input_file" -> {
                notAssistant(role, type, where);
                if (part.hasNonNull("file_id")) {
                    throw fileId(where);
                }
                String data = part.hasNonNull("file_data") ? requiredText(part, "file_data", where)
                        : part.hasNonNull("file_url") ? requiredText(part, "file_url", where) : null;
                if (data == null) {
                    throw GatewayException.badRequest("'" + where + "' needs 'file_data' (a data: URL) or 'file_url'");
                }
                ObjectNode file = Json.object().put("type", "file");
                ObjectNode inner = file.putObject("file");
                if (part.hasNonNull("filename")) {
                    inner.put("filename", part.get("filename").asText());
                }
                inner.put("file_data", data);
                return file;
            }
            default -> throw GatewayException.badRequest("Unsupported content part type '" + type + "' at '" + where
                    + "': this gateway accepts input_text, input_image, input_file, output_text and refusal");
        }
    }

    private static void notAssistant(String role, String type, String where) {
        if (role.equals("assistant")) {
            throw GatewayException.badRequest("'" + type + "' at '" + where + "' is only valid in user, system or"
                    + " developer messages");
        }
    }

    private static GatewayException fileId(String where) {
        return GatewayException.badRequest("'file_id' at '" + where + "' refers to an uploaded file, and this gateway"
                + " stores no files: send the content inline (image_url or file_data as a data: URL)");
    }

    static String requiredText(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw GatewayException.badRequest("'" + where + "." + field + "' is required and must be a string");
        }
        return v.asText();
    }

    /**
     * A function call of the assistant: joins the assistant message right before it (its text, or
     * the calls before it), since a chat assistant turn holds its text and all its calls.
     */
    private static ObjectNode functionCall(JsonNode item, String where, ArrayNode messages) {
        String callId = requiredText(item, "call_id", where);
        String name = requiredText(item, "name", where);
        String arguments = requiredText(item, "arguments", where);
        ObjectNode last = messages.isEmpty() ? null : (ObjectNode) messages.get(messages.size() - 1);
        ObjectNode assistant;
        if (last != null && "assistant".equals(Json.text(last, "role"))) {
            assistant = last;
        } else {
            assistant = messages.addObject().put("role", "assistant");
            assistant.putNull("content");
        }
        ArrayNode calls = assistant.has("tool_calls") ? (ArrayNode) assistant.get("tool_calls")
                : assistant.putArray("tool_calls");
        ObjectNode call = calls.addObject().put("id", callId).put("type", "function");
        call.putObject("function").put("name", name).put("arguments", arguments);
        return assistant;
    }

    private static void functionCallOutput(JsonNode item, String where, ArrayNode messages) {
        String callId = requiredText(item, "call_id", where);
        JsonNode output = item.get("output");
        String text;
        if (output != null && output.isTextual()) {
            text = output.asText();
        } else if (output != null && output.isArray()) {
            StringBuilder sb = new StringBuilder();
            int p = 0;
            for (JsonNode part : output) {
                String at = where + ".output[" + p++ + "]";
                String type = part.isObject() ? Json.text(part, "type") : null;
                if (!"input_text".equals(type) && !"output_text".equals(type)) {
                    throw GatewayException.badRequest("Unsupported part type '" + type + "' at '" + at
                            + "': a function_call_output carries text parts only here");
                }
                sb.append(requiredText(part, "text", at));
            }
            text = sb.toString();
        } else {
            throw GatewayException.badRequest("'" + where + ".output' is required: a string or an array of input_text parts");
        }
        messages.addObject().put("role", "tool").put("tool_call_id", callId).put("content", text);
    }

    /**
     * A reasoning item in OpenRouter's {@code reasoning_details} form: its summary, its reasoning
     * text, its encrypted content. An item that carries none of them has nothing to keep.
     */
    private static ArrayNode reasoningDetails(JsonNode item, String where) {
        JsonNode sealed = item.get("encrypted_content");
        if (sealed != null && sealed.isTextual() && SealedReasoning.sealed(sealed.asText())) {
            return SealedReasoning.unseal(sealed.asText(), where + ".encrypted_content"); // the whole entries
        }
        ArrayNode details = Json.NODES.arrayNode();
        String id = Json.text(item, "id");
        reasoningParts(item, where, "summary", "summary_text", id, details);
        reasoningParts(item, where, "content", "reasoning_text", id, details);
        JsonNode encrypted = item.get("encrypted_content");
        if (encrypted != null && !encrypted.isNull()) {
            if (!encrypted.isTextual()) {
                throw GatewayException.badRequest("Wrong type for '" + where + ".encrypted_content': expected a string");
            }
            details.add(detail("reasoning.encrypted", id, 0).put("data", encrypted.asText()));
        }
        return details;
    }

    /**
     * A reasoning item's {@code summary} ({@code summary_text} parts) as {@code reasoning.summary}
     * details, or its {@code content} ({@code reasoning_text} parts) as {@code reasoning.text}.
     */
    private static void reasoningParts(JsonNode item, String where, String field, String partType, String id,
            ArrayNode details) {
        JsonNode parts = item.get(field);
        if (parts == null || parts.isNull()) {
            return;
        }
        if (!parts.isArray()) {
            throw GatewayException.badRequest("Wrong type for '" + where + "." + field + "': expected an array");
        }
        boolean summary = field.equals("summary");
        int index = 0;
        for (JsonNode part : parts) {
            String at = where + "." + field + "[" + index + "]";
            if (!part.isObject() || !partType.equals(Json.text(part, "type"))) {
                throw GatewayException.badRequest("'" + at + "' must be a " + partType + " part");
            }
            details.add(detail(summary ? "reasoning.summary" : "reasoning.text", id, index++)
                    .put(summary ? "summary" : "text", requiredText(part, "text", at)));
        }
    }

    private static ObjectNode detail(String type, String id, int index) {
        ObjectNode d = Json.object().put("type", type);
        if (id != null) {
            d.put("id", id);
        }
        return d.put("format", "unknown").put("index", index);
    }

    // ---------------------------------------------------------------- tools
}
