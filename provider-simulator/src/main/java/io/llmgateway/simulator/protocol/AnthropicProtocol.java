package io.llmgateway.simulator.protocol;

import io.llmgateway.simulator.service.TokenCounter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** Anthropic Messages API, JSON and SSE with the real event sequence. */
@ApplicationScoped
public class AnthropicProtocol implements WireProtocol {

    @Override
    public String name() {
        return "anthropic";
    }

    @Override
    public SimRequest parse(JsonObject body, String pathModel, boolean pathStream, boolean legacy) {
        String model = Json.string(body, "model", true);
        JsonArray messages = Json.array(body, "messages", true);
        int prompt = blocks(body.getValue("system"));
        for (Object m : messages) {
            if (!(m instanceof JsonObject message)) {
                throw ProtocolException.invalid("messages: each message must be an object");
            }
            prompt += blocks(message.getValue("content"));
        }
        return new SimRequest(model, Json.bool(body, "stream"), prompt, Json.positiveInt(body, "max_tokens"),
                tool(body), true, false);
    }

    /** Text the model reads in a content value: a string or text / tool_use / tool_result blocks. */
    private static int blocks(Object content) {
        if (content instanceof String s) {
            return TokenCounter.count(s);
        }
        int n = 0;
        if (content instanceof JsonArray list) {
            for (Object b : list) {
                if (b instanceof JsonObject block) {
                    if (block.getValue("text") instanceof String text) {
                        n += TokenCounter.count(text);
                    } else if (block.getValue("input") instanceof JsonObject input) {
                        n += TokenCounter.count(input.encode());
                    } else if (block.containsKey("content")) {
                        n += blocks(block.getValue("content"));
                    }
                }
            }
        }
        return n;
    }

    private static ToolCall tool(JsonObject body) {
        JsonArray tools = Json.array(body, "tools", false);
        if (tools == null || tools.isEmpty()) {
            return null;
        }
        String wanted = null;
        if (body.getValue("tool_choice") instanceof JsonObject choice) {
            if ("none".equals(choice.getValue("type"))) {
                return null;
            }
            if (choice.getValue("name") instanceof String name) {
                wanted = name;
            }
        } else if ("none".equals(body.getValue("tool_choice"))) {
            return null;
        }
        JsonObject chosen = null;
        for (Object t : tools) {
            if (t instanceof JsonObject tool && tool.getValue("name") instanceof String name) {
                if (chosen == null || name.equals(wanted)) {
                    chosen = tool;
                }
                if (name.equals(wanted)) {
                    break;
                }
            }
        }
        if (chosen == null) {
            throw ProtocolException.invalid("tools: each tool needs a name");
        }
        return new ToolCall(chosen.getString("name"), ToolArguments.forSchema(chosen.getValue("input_schema")));
    }

    private static String stopReason(Completion c) {
        return switch (c.finish()) {
            case STOP -> "end_turn";
            case LENGTH -> "max_tokens";
            case TOOL -> "tool_use";
        };
    }

    private static JsonObject message(SimRequest r, Completion c, JsonArray content, String stopReason,
            int outputTokens) {
        JsonObject m = new JsonObject().put("id", "msg_" + c.id()).put("type", "message").put("role", "assistant")
                .put("model", r.model()).put("content", content).put("stop_reason", stopReason)
                .put("stop_sequence", null);
        if (!c.omitUsage()) {
            m.put("usage", new JsonObject().put("input_tokens", c.promptTokens()).put("output_tokens", outputTokens));
        }
        return m;
    }

    @Override
    public String body(SimRequest r, Completion c) {
        JsonObject block = c.tool() != null
                ? new JsonObject().put("type", "tool_use").put("id", "toolu_" + c.id()).put("name", c.tool().name())
                        .put("input", c.tool().arguments())
                : new JsonObject().put("type", "text").put("text", c.text());
        return message(r, c, new JsonArray().add(block), stopReason(c), c.completionTokens()).encode();
    }

    @Override
    public List<SseEvent> events(SimRequest r, Completion c) {
        List<SseEvent> events = new ArrayList<>(c.chunks().size() + 7);
        events.add(event("message_start", new JsonObject().put("type", "message_start")
                .put("message", message(r, c, new JsonArray(), null, 0)), 0));
        JsonObject block = c.tool() != null
                ? new JsonObject().put("type", "tool_use").put("id", "toolu_" + c.id()).put("name", c.tool().name())
                        .put("input", new JsonObject())
                : new JsonObject().put("type", "text").put("text", "");
        events.add(event("content_block_start",
                new JsonObject().put("type", "content_block_start").put("index", 0).put("content_block", block), 0));
        events.add(event("ping", new JsonObject().put("type", "ping"), 0));
        for (String piece : c.chunks()) {
            JsonObject delta = c.tool() != null
                    ? new JsonObject().put("type", "input_json_delta").put("partial_json", piece)
                    : new JsonObject().put("type", "text_delta").put("text", piece);
            events.add(event("content_block_delta",
                    new JsonObject().put("type", "content_block_delta").put("index", 0).put("delta", delta), 1));
        }
        events.add(event("content_block_stop", new JsonObject().put("type", "content_block_stop").put("index", 0), 0));
        JsonObject messageDelta = new JsonObject().put("type", "message_delta")
                .put("delta", new JsonObject().put("stop_reason", stopReason(c)).put("stop_sequence", null));
        if (!c.omitUsage()) {
            messageDelta.put("usage", new JsonObject().put("input_tokens", c.promptTokens())
                    .put("output_tokens", c.completionTokens()));
        }
        events.add(event("message_delta", messageDelta, 0));
        events.add(event("message_stop", new JsonObject().put("type", "message_stop"), 0));
        return events;
    }

    private static SseEvent event(String name, JsonObject data, int tokens) {
        return new SseEvent(name, data.encode(), tokens);
    }

    @Override
    public String errorBody(int status, String code, String message) {
        String type = switch (status) {
            case 400, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
        return new JsonObject().put("type", "error")
                .put("error", new JsonObject().put("type", type).put("message", message)).encode();
    }
}
