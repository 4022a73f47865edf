package io.llmgateway.routing.ingress.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.ingress.chat.BadRequest;
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
    /**
     * Fields copied to the canonical body under the same name ({@code preset}: the account's presets,
     * as on chat; {@code prompt_cache_key} and {@code safety_identifier} reach OpenAI-compatible
     * endpoints as chat's unknown fields do).
     */
    private static final Set<String> SAME = Set.of("model", "models", "provider", "preset", "usage", "user", "stream",
            "temperature", "top_p", "top_k", "frequency_penalty", "presence_penalty", "parallel_tool_calls",
            "prompt_cache_key", "safety_identifier");
    /** Fields translated below, or only checked (the stateful ones, {@link ResponsesOptions}) and echoed. */
    private static final Set<String> TRANSLATED = Set.of("input", "instructions", "tools", "tool_choice",
            "max_output_tokens", "reasoning", "text", "metadata", "store", "previous_response_id", "conversation",
            "background", "prompt", "include", "truncation", "service_tier", "max_tool_calls", "stream_options");
    private static final Set<String> KNOWN = java.util.stream.Stream.of(SAME, TRANSLATED)
            .flatMap(Set::stream).collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final Set<String> TEXT_FORMAT_FIELDS = Set.of("format", "verbosity");
    private static final Set<String> REASONING_FIELDS = Set.of("effort", "summary", "generate_summary", "max_tokens",
            "exclude", "enabled");

    private ResponsesRequestTranslator() {
    }

    /** The canonical chat body of {@code request}. */
    static ObjectNode toChat(ObjectNode request) {
        BadRequest.onlyKnown(request, KNOWN, "");
        refuseStateful(request);
        ObjectNode chat = Json.object();
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
        ResponsesInputItems.input(request.get("input"), messages);
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
        ResponsesOptions.apply(request, chat);
        JsonNode metadata = request.get("metadata");
        if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
            throw GatewayException.badRequest("Wrong type for 'metadata': expected an object of strings");
        }
        return chat;
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
            function.put("name", ResponsesInputItems.requiredText(tool, "name", where));
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
                .put("name", ResponsesInputItems.requiredText(choice, "name", "tool_choice"));
    }

    // ---------------------------------------------------------------- reasoning and text

    /**
     * {@code effort} (and OpenRouter's {@code max_tokens}, {@code exclude}, {@code enabled}) go on as
     * the canonical {@code reasoning}; {@code summary} is accepted and echoed: whatever reasoning the
     * provider returns is reported as the reasoning item's summary text, whichever value was asked.
     */
    private static void reasoning(JsonNode value, ObjectNode chat) {
        JsonNode reasoning = BadRequest.object(value, "reasoning", REASONING_FIELDS);
        if (reasoning == null) {
            return;
        }
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

    private static void text(JsonNode value, ObjectNode chat) {
        JsonNode text = BadRequest.object(value, "text", TEXT_FORMAT_FIELDS);
        if (text == null) {
            return;
        }
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
                schema.put("name", ResponsesInputItems.requiredText(format, "name", "text.format"));
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
    static ObjectNode echo(ObjectNode request) {
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
}
