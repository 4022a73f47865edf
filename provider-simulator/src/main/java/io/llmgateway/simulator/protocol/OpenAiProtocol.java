package io.llmgateway.simulator.protocol;

import io.llmgateway.simulator.protocol.SimRequest.Reasoning;
import io.llmgateway.simulator.service.TokenCounter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToIntFunction;

/** OpenAI chat completions and legacy completions, JSON and SSE. */
@ApplicationScoped
public class OpenAiProtocol implements WireProtocol {

    private static final Set<String> EFFORTS = Set.of("none", "minimal", "low", "medium", "high", "xhigh");

    @Override
    public SimRequest parse(JsonObject body, String pathModel, boolean pathStream, boolean legacy) {
        String model = Json.string(body, "model", true);
        boolean stream = Json.bool(body, "stream");
        JsonObject streamOptions = Json.object(body, "stream_options");
        boolean includeUsage = Json.bool(streamOptions, "include_usage");
        Integer max = Json.min(Json.positiveInt(body, "max_tokens"), Json.positiveInt(body, "max_completion_tokens"));
        Reasoning reasoning = reasoning(body);
        if (legacy) {
            return new SimRequest(model, stream, legacyPrompt(body), max, null, includeUsage, true, reasoning,
                    List.of(), false, null);
        }
        JsonArray messages = Json.array(body, "messages", true);
        if (messages.isEmpty()) {
            throw new ProtocolException(400, "empty_array", "Invalid 'messages': empty array. Expected an array with"
                    + " minimum length 1, but got an empty array instead.");
        }
        PromptPrefix prefix = new PromptPrefix();
        int prompt = chatPrompt(messages, prefix);
        return new SimRequest(model, stream, prompt, max, tool(body), includeUsage, false, reasoning, prefix.marks(),
                false, structured(body, messages));
    }

    static int countText(Object content, ToIntFunction<String> counter) {
        if (content instanceof String s) {
            return counter.applyAsInt(s);
        }
        int n = 0;
        if (content instanceof JsonArray parts) {
            for (Object part : parts) {
                if (part instanceof JsonObject p && p.getValue("text") instanceof String text) {
                    n += counter.applyAsInt(text);
                } else if (part instanceof String s) {
                    n += counter.applyAsInt(s);
                }
            }
        }
        return n;
    }

    /** Counts the prompt; each message ends a prefix OpenAI's automatic caching may reuse. */
    private static int chatPrompt(JsonArray messages, PromptPrefix prefix) {
        ToIntFunction<String> counter = text -> {
            prefix.add(text);
            return TokenCounter.count(text);
        };
        int n = 0;
        for (Object m : messages) {
            if (!(m instanceof JsonObject message)) {
                throw ProtocolException.invalid("each message must be an object");
            }
            prefix.add(String.valueOf(message.getValue("role")));
            n += countText(message.getValue("content"), counter);
            if (message.getValue("tool_calls") instanceof JsonArray calls) {
                for (Object c : calls) {
                    if (c instanceof JsonObject call && call.getValue("function") instanceof JsonObject f
                            && f.getValue("arguments") instanceof String args) {
                        n += counter.applyAsInt(args);
                    }
                }
            }
            prefix.mark(n);
        }
        return n;
    }

    /** reasoning_effort (OpenAI) or reasoning {effort, max_tokens, exclude, enabled} (OpenRouter). */
    private static Reasoning reasoning(JsonObject body) {
        JsonObject reasoning = Json.object(body, "reasoning");
        if (reasoning != null) {
            Object effort = reasoning.getValue("effort");
            if (Boolean.FALSE.equals(reasoning.getValue("enabled")) || "none".equals(effort)) {
                return null;
            }
            if (effort != null) {
                effort(effort, "reasoning.effort");
            }
            Integer max = Json.positiveInt(reasoning, "max_tokens");
            return new Reasoning(max == null ? Integer.MAX_VALUE : max, !Json.bool(reasoning, "exclude"));
        }
        Object effort = body.getValue("reasoning_effort");
        if (effort == null || "none".equals(effort(effort, "reasoning_effort"))) {
            return null;
        }
        return new Reasoning(Integer.MAX_VALUE, true);
    }

    private static String effort(Object effort, String field) {
        if (!(effort instanceof String e) || !EFFORTS.contains(e)) {
            throw ProtocolException.invalid("Invalid value for '" + field + "': " + effort
                    + ". Supported values are: 'none', 'minimal', 'low', 'medium', 'high', and 'xhigh'.");
        }
        return e;
    }

    /** The JSON text answered for response_format json_object / json_schema, null for text. */
    private static String structured(JsonObject body, JsonArray messages) {
        JsonObject format = Json.object(body, "response_format");
        if (format == null) {
            return null;
        }
        Object type = format.getValue("type");
        if ("text".equals(type)) {
            return null;
        }
        if ("json_object".equals(type)) {
            if (!messages.encode().toLowerCase(Locale.ROOT).contains("json")) {
                throw ProtocolException.invalid("'messages' must contain the word 'json' in some form, to use"
                        + " 'response_format' of type 'json_object'.");
            }
            return "{}";
        }
        if (!"json_schema".equals(type)) {
            throw ProtocolException.invalid("Invalid value: '" + type + "'. Supported values are: 'text',"
                    + " 'json_object', and 'json_schema'.");
        }
        JsonObject schema = Json.object(format, "json_schema");
        if (schema == null) {
            throw ProtocolException.invalid("Missing required parameter: 'response_format.json_schema'.");
        }
        if (!(schema.getValue("name") instanceof String)) {
            throw ProtocolException.invalid("Missing required parameter: 'response_format.json_schema.name'.");
        }
        return Json.encode(SchemaInstance.of(schema.getValue("schema")));
    }

    private static int legacyPrompt(JsonObject body) {
        Object prompt = body.getValue("prompt");
        if (prompt == null) {
            throw ProtocolException.invalid("prompt is required");
        }
        if (!(prompt instanceof String) && !(prompt instanceof JsonArray)) {
            throw ProtocolException.invalid("prompt must be a string or an array of strings");
        }
        return countText(prompt, TokenCounter::count);
    }

    /** The first tool (or the one tool_choice names) unless tool_choice is "none". */
    private static ToolCall tool(JsonObject body) {
        JsonArray tools = Json.array(body, "tools", false);
        if (tools == null || tools.isEmpty() || "none".equals(body.getValue("tool_choice"))) {
            return null;
        }
        String wanted = null;
        if (body.getValue("tool_choice") instanceof JsonObject choice
                && choice.getValue("function") instanceof JsonObject f && f.getValue("name") instanceof String name) {
            wanted = name;
        }
        JsonObject first = null;
        for (Object t : tools) {
            if (t instanceof JsonObject tool && tool.getValue("function") instanceof JsonObject f
                    && f.getValue("name") instanceof String name) {
                if (first == null) {
                    first = f;
                }
                if (name.equals(wanted)) {
                    first = f;
                    break;
                }
            }
        }
        if (first == null) {
            throw ProtocolException.invalid("tools[].function.name is required");
        }
        return new ToolCall(first.getString("name"), SchemaInstance.forSchema(first.getValue("parameters")));
    }

    static String finishReason(Completion c) {
        return switch (c.finish()) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case TOOL -> "tool_calls";
        };
    }

    /** completion_tokens include reasoning; the details appear when there is something to detail. */
    private static JsonObject usage(SimRequest r, Completion c) {
        JsonObject usage = new JsonObject().put("prompt_tokens", c.promptTokens())
                .put("completion_tokens", c.outputTokens()).put("total_tokens", c.totalTokens());
        if (c.cacheRead() > 0) {
            usage.put("prompt_tokens_details", new JsonObject().put("cached_tokens", c.cacheRead()));
        }
        if (r.reasoning() != null) {
            usage.put("completion_tokens_details", new JsonObject().put("reasoning_tokens", c.reasoningTokens()));
        }
        return usage;
    }

    private static JsonObject head(SimRequest r, Completion c, String object) {
        return new JsonObject().put("id", (r.legacy() ? "cmpl-" : "chatcmpl-") + c.id()).put("object", object)
                .put("created", c.created()).put("model", r.model());
    }

    @Override
    public String body(SimRequest r, Completion c) {
        JsonObject choice = new JsonObject().put("index", 0);
        if (r.legacy()) {
            choice.put("text", c.text()).put("logprobs", null);
        } else {
            JsonObject message = new JsonObject().put("role", "assistant");
            if (c.tool() != null) {
                message.putNull("content").put("tool_calls", new JsonArray().add(toolCall(c, true)));
            } else {
                message.put("content", c.text());
            }
            if (showReasoning(r, c)) {
                message.put("reasoning", c.reasoning());
            }
            choice.put("message", message);
        }
        choice.put("finish_reason", finishReason(c));
        JsonObject out = head(r, c, r.legacy() ? "text_completion" : "chat.completion")
                .put("choices", new JsonArray().add(choice));
        if (!c.omitUsage()) {
            out.put("usage", usage(r, c));
        }
        return out.encode();
    }

    private static boolean showReasoning(SimRequest r, Completion c) {
        return c.reasoning() != null && r.reasoning().visible();
    }

    private static JsonObject toolCall(Completion c, boolean withArguments) {
        return new JsonObject().put("index", 0).put("id", "call_" + c.id()).put("type", "function")
                .put("function", new JsonObject().put("name", c.tool().name())
                        .put("arguments", withArguments ? c.tool().argumentsJson() : ""));
    }

    @Override
    public List<SseEvent> events(SimRequest r, Completion c) {
        List<SseEvent> events = new ArrayList<>(c.chunks().size() + 5);
        String object = r.legacy() ? "text_completion" : "chat.completion.chunk";
        if (!r.legacy()) {
            JsonObject role = new JsonObject().put("role", "assistant");
            if (c.tool() != null) {
                role.putNull("content").put("tool_calls", new JsonArray().add(toolCall(c, false)));
            } else {
                role.put("content", "");
            }
            events.add(SseEvent.data(chunk(r, c, object, role, null), 0));
            if (showReasoning(r, c)) {
                for (String piece : c.reasoningChunks()) {
                    events.add(SseEvent.data(chunk(r, c, object, new JsonObject().put("reasoning", piece), null), 1));
                }
            }
        }
        for (String piece : c.chunks()) {
            JsonObject delta;
            if (r.legacy()) {
                delta = new JsonObject().put("text", piece);
            } else if (c.tool() != null) {
                delta = new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", 0)
                        .put("function", new JsonObject().put("arguments", piece))));
            } else {
                delta = new JsonObject().put("content", piece);
            }
            events.add(SseEvent.data(chunk(r, c, object, delta, null), 1));
        }
        JsonObject end = r.legacy() ? new JsonObject().put("text", "") : new JsonObject();
        events.add(SseEvent.data(chunk(r, c, object, end, finishReason(c)), 0));
        if (r.includeUsage() && !c.omitUsage()) {
            events.add(SseEvent.data(head(r, c, object).put("choices", new JsonArray()).put("usage", usage(r, c)).encode(),
                    0));
        }
        events.add(SseEvent.data("[DONE]", 0));
        return events;
    }

    private static String chunk(SimRequest r, Completion c, String object, JsonObject delta, String finish) {
        JsonObject choice = new JsonObject().put("index", 0);
        if (r.legacy()) {
            choice.put("text", delta.getString("text")).put("logprobs", null);
        } else {
            choice.put("delta", delta);
        }
        choice.put("finish_reason", finish);
        return head(r, c, object).put("choices", new JsonArray().add(choice)).encode();
    }

    @Override
    public String errorBody(int status, String code, String message) {
        String type = switch (status) {
            case 400, 413, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
        return new JsonObject().put("error", new JsonObject().put("message", message).put("type", type)
                .put("param", null).put("code", code)).encode();
    }
}
