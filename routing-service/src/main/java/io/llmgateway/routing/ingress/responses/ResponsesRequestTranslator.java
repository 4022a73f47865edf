package io.llmgateway.routing.ingress.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.canonical.Json;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A Responses request into the canonical (chat) body: {@code instructions} and the {@code input}
 * items become messages, function tools become chat tools, {@code text.format} becomes
 * {@code response_format}, {@code max_output_tokens} becomes {@code max_tokens}. What the gateway
 * cannot honour is refused with a 400 that names it, never dropped: stored state
 * ({@code previous_response_id}, {@code store: true}, {@code conversation}, {@code prompt},
 * {@code background}), built-in tools, file ids, unknown fields and item or part types.
 */
final class ResponsesRequestTranslator {

    private static final String STATELESS = " needs stored state, and this gateway is stateless (it stores no responses):"
            + " send the whole conversation in 'input' instead";
    /** Fields copied to the canonical body under the same name ({@code preset}: the account's presets, as on chat). */
    private static final Set<String> SAME = Set.of("model", "models", "provider", "preset", "usage", "user", "stream",
            "temperature", "top_p", "top_k", "frequency_penalty", "presence_penalty", "parallel_tool_calls");
    /** Fields translated below, or only checked (the stateful ones) and echoed. */
    private static final Set<String> TRANSLATED = Set.of("input", "instructions", "tools", "tool_choice",
            "max_output_tokens", "reasoning", "text", "metadata", "store", "previous_response_id", "conversation",
            "background", "prompt");
    /**
     * Accepted and not forwarded, since they change nothing the gateway does: {@code include} (no
     * encrypted reasoning or logprobs are produced), {@code truncation} (a prompt too long for every
     * endpoint is a 400 either way), {@code service_tier}, {@code prompt_cache_key},
     * {@code safety_identifier}, {@code max_tool_calls} (only built-in tools use it),
     * {@code stream_options}.
     */
    private static final Set<String> IGNORED = Set.of("include", "truncation", "service_tier", "prompt_cache_key",
            "safety_identifier", "max_tool_calls", "stream_options");
    private static final Set<String> KNOWN = java.util.stream.Stream.of(SAME, TRANSLATED, IGNORED)
            .flatMap(Set::stream).collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final Set<String> MESSAGE_ROLES = Set.of("user", "assistant", "system", "developer");
    private static final Set<String> TEXT_FORMAT_FIELDS = Set.of("format", "verbosity");
    private static final Set<String> REASONING_FIELDS = Set.of("effort", "summary", "generate_summary", "max_tokens",
            "exclude", "enabled");

    private ResponsesRequestTranslator() {
    }

    /** The canonical chat body of {@code request}, carrying what the answer echoes back. */
    static ResponsesBody toChat(ObjectNode request) {
        onlyKnown(request, KNOWN, "");
        refuseStateful(request);
        ResponsesBody chat = new ResponsesBody();
        SAME.forEach(f -> {
            if (request.has(f) && !request.get(f).isNull()) {
                chat.set(f, request.get(f));
            }
        });
        ArrayNode messages = chat.putArray("messages");
        JsonNode instructions = request.get("instructions");
        if (instructions != null && !instructions.isNull()) {
            if (!instructions.isTextual()) {
                throw GatewayException.badRequest("Wrong type for 'instructions': expected a string");
            }
            messages.addObject().put("role", "system").put("content", instructions.asText());
        }
        input(request.get("input"), messages);
        tools(request.get("tools"), chat);
        toolChoice(request.get("tool_choice"), chat);
        JsonNode max = request.get("max_output_tokens");
        if (max != null && !max.isNull()) {
            if (!max.isIntegralNumber()) {
                throw GatewayException.badRequest("Wrong type for 'max_output_tokens': expected an integer");
            }
            if (max.asLong() < 1) {
                throw GatewayException.badRequest("'max_output_tokens' must be a positive integer");
            }
            chat.set("max_tokens", max);
        }
        reasoning(request.get("reasoning"), chat);
        text(request.get("text"), chat);
        JsonNode metadata = request.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            throw GatewayException.badRequest("Wrong type for 'metadata': expected an object of strings");
        }
        chat.echo = echo(request);
        return chat;
    }

    /** A 400 naming the first field of {@code object} this gateway does not know. */
    private static void onlyKnown(JsonNode object, Set<String> known, String prefix) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!known.contains(field)) {
                throw GatewayException.badRequest("Unknown field '" + prefix + field + "' in a Responses request");
            }
        }
    }

    private static void refuseStateful(ObjectNode request) {
        JsonNode store = request.get("store");
        if (store != null && !store.isNull()) {
            if (!store.isBoolean()) {
                throw GatewayException.badRequest("Wrong type for 'store': expected a boolean");
            }
            if (store.asBoolean()) {
                throw GatewayException.badRequest("'store: true'" + STATELESS + " (store: false is accepted)");
            }
        }
        for (String field : new String[] { "previous_response_id", "conversation", "prompt" }) {
            if (request.hasNonNull(field)) {
                throw GatewayException.badRequest("'" + field + "'" + STATELESS);
            }
        }
        JsonNode background = request.get("background");
        if (background != null && !background.isNull() && !(background.isBoolean() && !background.asBoolean())) {
            throw GatewayException.badRequest("'background'" + STATELESS + " (use stream: true for long answers)");
        }
    }

    // ---------------------------------------------------------------- input

    private static void input(JsonNode input, ArrayNode messages) {
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

    private static String requiredText(JsonNode node, String field, String where) {
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

    private static void tools(JsonNode tools, ObjectNode chat) {
        if (tools == null || tools.isNull()) {
            return;
        }
        if (!tools.isArray()) {
            throw GatewayException.badRequest("Wrong type for 'tools': expected an array");
        }
        ArrayNode out = chat.putArray("tools");
        int i = 0;
        for (JsonNode tool : tools) {
            String where = "tools[" + i++ + "]";
            String type = tool.isObject() ? Json.text(tool, "type") : null;
            if (type == null) {
                throw GatewayException.badRequest("'" + where + "' must be an object with a 'type'");
            }
            if (!type.equals("function")) {
                throw GatewayException.badRequest("Tool type '" + type + "' at '" + where + "' is a built-in tool this"
                        + " gateway cannot run: only function tools are supported");
            }
            ObjectNode function = out.addObject().put("type", "function").putObject("function");
            function.put("name", requiredText(tool, "name", where));
            for (String f : new String[] { "description", "parameters", "strict" }) {
                if (tool.hasNonNull(f)) {
                    function.set(f, tool.get(f));
                }
            }
        }
    }

    private static void toolChoice(JsonNode choice, ObjectNode chat) {
        if (choice == null || choice.isNull()) {
            return;
        }
        if (choice.isTextual()) {
            if (!Set.of("auto", "none", "required").contains(choice.asText())) {
                throw GatewayException.badRequest("'tool_choice' must be auto, none, required or a function");
            }
            chat.set("tool_choice", choice);
            return;
        }
        String type = choice.isObject() ? Json.text(choice, "type") : null;
        if (!"function".equals(type)) {
            throw GatewayException.badRequest("'tool_choice' of type '" + type + "' is not supported here: use auto,"
                    + " none, required or {\"type\":\"function\",\"name\":...}");
        }
        chat.putObject("tool_choice").put("type", "function").putObject("function")
                .put("name", requiredText(choice, "name", "tool_choice"));
    }

    // ---------------------------------------------------------------- reasoning and text

    /**
     * {@code effort} (and OpenRouter's {@code max_tokens}, {@code exclude}, {@code enabled}) go on as
     * the canonical {@code reasoning}; {@code summary} is accepted and echoed: whatever reasoning the
     * provider returns is reported as the reasoning item's summary text, whichever value was asked.
     */
    private static void reasoning(JsonNode reasoning, ObjectNode chat) {
        if (reasoning == null || reasoning.isNull()) {
            return;
        }
        if (!reasoning.isObject()) {
            throw GatewayException.badRequest("Wrong type for 'reasoning': expected an object");
        }
        onlyKnown(reasoning, REASONING_FIELDS, "reasoning.");
        ObjectNode out = Json.object();
        for (Map.Entry<String, JsonNode> f : reasoning.properties()) {
            if (!f.getValue().isNull() && !f.getKey().equals("summary") && !f.getKey().equals("generate_summary")) {
                out.set(f.getKey(), f.getValue());
            }
        }
        JsonNode effort = out.get("effort");
        if (effort != null && !effort.isTextual()) {
            throw GatewayException.badRequest("Wrong type for 'reasoning.effort': expected a string");
        }
        if (!out.isEmpty()) {
            chat.set("reasoning", out);
        }
    }

    private static void text(JsonNode text, ObjectNode chat) {
        if (text == null || text.isNull()) {
            return;
        }
        if (!text.isObject()) {
            throw GatewayException.badRequest("Wrong type for 'text': expected an object");
        }
        onlyKnown(text, TEXT_FORMAT_FIELDS, "text.");
        if (text.hasNonNull("verbosity")) {
            chat.set("verbosity", text.get("verbosity"));
        }
        JsonNode format = text.get("format");
        if (format == null || format.isNull()) {
            return;
        }
        String type = format.isObject() ? Json.text(format, "type") : null;
        if (type == null) {
            throw GatewayException.badRequest("'text.format' must be an object with a 'type'");
        }
        switch (type) {
            case "text" -> { }
            case "json_object" -> chat.putObject("response_format").put("type", "json_object");
            case "json_schema" -> {
                ObjectNode schema = chat.putObject("response_format").put("type", "json_schema").putObject("json_schema");
                schema.put("name", requiredText(format, "name", "text.format"));
                JsonNode body = format.get("schema");
                if (body == null || !body.isObject()) {
                    throw GatewayException.badRequest("'text.format.schema' is required and must be an object");
                }
                schema.set("schema", body);
                for (String f : new String[] { "strict", "description" }) {
                    if (format.hasNonNull(f)) {
                        schema.set(f, format.get(f));
                    }
                }
            }
            default -> throw GatewayException.badRequest("'text.format.type' must be text, json_object or json_schema,"
                    + " not '" + type + "'");
        }
    }

    // ---------------------------------------------------------------- echo

    /** The request's own settings as the response object repeats them (nulls where not given). */
    private static ObjectNode echo(ObjectNode request) {
        ObjectNode echo = Json.object();
        echo.set("instructions", orNull(request, "instructions"));
        echo.set("max_output_tokens", orNull(request, "max_output_tokens"));
        echo.set("parallel_tool_calls", request.hasNonNull("parallel_tool_calls") ? request.get("parallel_tool_calls")
                : Json.NODES.booleanNode(true));
        echo.set("reasoning", request.hasNonNull("reasoning") ? request.get("reasoning")
                : Json.object().putNull("effort").putNull("summary"));
        echo.set("temperature", orNull(request, "temperature"));
        echo.set("top_p", orNull(request, "top_p"));
        echo.set("presence_penalty", orNull(request, "presence_penalty"));
        echo.set("frequency_penalty", orNull(request, "frequency_penalty"));
        ObjectNode text = request.hasNonNull("text") ? ((ObjectNode) request.get("text")).deepCopy() : Json.object();
        if (!text.hasNonNull("format")) {
            text.putObject("format").put("type", "text");
        }
        echo.set("text", text);
        echo.set("tool_choice", request.hasNonNull("tool_choice") ? request.get("tool_choice")
                : Json.NODES.textNode("auto"));
        echo.set("tools", request.hasNonNull("tools") ? request.get("tools") : Json.NODES.arrayNode());
        echo.set("truncation", request.hasNonNull("truncation") ? request.get("truncation")
                : Json.NODES.textNode("disabled"));
        echo.set("user", orNull(request, "user"));
        echo.set("metadata", request.hasNonNull("metadata") ? request.get("metadata") : Json.object());
        return echo;
    }

    private static JsonNode orNull(ObjectNode request, String field) {
        JsonNode v = request.get(field);
        return v == null ? Json.NODES.nullNode() : v;
    }

    /**
     * The canonical body of a Responses request. It is an ordinary chat body to everything that
     * reads it (adapters copy its fields, nothing serialises the extra one); the Responses settings
     * the answer echoes ride along in a Java field, so they never reach a provider.
     */
    static final class ResponsesBody extends ObjectNode {
        private static final long serialVersionUID = 1L;
        transient ObjectNode echo = Json.object();

        ResponsesBody() {
            super(Json.NODES);
        }
    }
}
