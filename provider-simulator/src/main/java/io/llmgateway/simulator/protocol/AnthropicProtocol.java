package io.llmgateway.simulator.protocol;

import io.llmgateway.simulator.protocol.SimRequest.Reasoning;
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
    public SimRequest parse(JsonObject body, String pathModel, boolean pathStream, boolean legacy) {
        String model = Json.string(body, "model", true);
        JsonArray messages = Json.array(body, "messages", true);
        Integer max = Json.positiveInt(body, "max_tokens");
        if (max == null) {
            throw ProtocolException.invalid("max_tokens: Field required");
        }
        if (messages.isEmpty()) {
            throw ProtocolException.invalid("messages: at least one message is required");
        }
        Reasoning reasoning = thinking(body, max);
        ToolCall tool = tool(body);
        if (reasoning != null && body.getValue("tool_choice") instanceof JsonObject choice
                && ("any".equals(choice.getValue("type")) || "tool".equals(choice.getValue("type")))) {
            throw ProtocolException.invalid("Thinking may not be enabled when tool_choice forces tool use.");
        }
        Prompt prompt = new Prompt();
        if (body.getValue("tools") instanceof JsonArray tools) {
            for (Object t : tools) { // tools come first in Anthropic's cache order; their text is not counted
                if (t instanceof JsonObject definition) {
                    prompt.block(definition, false);
                }
            }
        }
        prompt.content(body.getValue("system"), null);
        for (int i = 0; i < messages.size(); i++) {
            if (!(messages.getValue(i) instanceof JsonObject message)) {
                throw ProtocolException.invalid("messages: each message must be an object");
            }
            Object role = message.getValue("role");
            if (!"user".equals(role) && !"assistant".equals(role)) {
                throw ProtocolException.invalid("messages." + i + ".role: Input should be 'user' or 'assistant'");
            }
            if (i == 0 && !"user".equals(role)) {
                throw ProtocolException.invalid("messages: first message must use the \"user\" role");
            }
            prompt.prefix.add((String) role);
            prompt.content(message.getValue("content"), "messages." + i + ".content");
        }
        if (reasoning != null) {
            thinkingBeforeToolUse(messages);
        }
        if (body.getValue("cache_control") instanceof JsonObject) {
            prompt.prefix.mark(prompt.tokens); // automatic caching: a breakpoint on the last cacheable block
        }
        return new SimRequest(model, Json.bool(body, "stream"), prompt.tokens, max, tool, true, false, reasoning,
                prompt.prefix.marks(), true, structured(body));
    }

    /** The prompt read in Anthropic's cache order (tools, system, messages), with its cache_control breakpoints. */
    private static final class Prompt {
        final PromptPrefix prefix = new PromptPrefix();
        int tokens;

        /** A content value: a string, or blocks (text, tool_use, tool_result, thinking, ...). */
        void content(Object content, String where) {
            if (content instanceof String s) {
                prefix.add(s);
                tokens += TokenCounter.count(s);
            } else if (content instanceof JsonArray list) {
                for (int j = 0; j < list.size(); j++) {
                    if (list.getValue(j) instanceof JsonObject block) {
                        if (where != null && "thinking".equals(block.getValue("type"))) {
                            checkThinking(block, where + "." + j);
                        }
                        block(block, true);
                    }
                }
            }
        }

        /** Hashes the block (its cache_control aside), counts its text, marks a breakpoint if it carries one. */
        void block(JsonObject block, boolean counted) {
            JsonObject hashed = block;
            if (block.containsKey("cache_control")) {
                hashed = block.copy();
                hashed.remove("cache_control");
            }
            prefix.add(hashed.encode());
            if (counted) {
                if (block.getValue("text") instanceof String text) {
                    tokens += TokenCounter.count(text);
                } else if (block.getValue("input") instanceof JsonObject input) {
                    tokens += TokenCounter.count(input.encode());
                } else if (block.containsKey("content")) {
                    Object inner = block.getValue("content");
                    tokens += inner instanceof String s ? TokenCounter.count(s) : innerTokens(inner);
                }
            }
            if (block.getValue("cache_control") instanceof JsonObject) {
                prefix.mark(tokens);
            }
        }

        private static int innerTokens(Object content) {
            int n = 0;
            if (content instanceof JsonArray list) {
                for (Object b : list) {
                    if (b instanceof JsonObject block && block.getValue("text") instanceof String text) {
                        n += TokenCounter.count(text);
                    }
                }
            }
            return n;
        }
    }

    /** thinking {type: enabled, budget_tokens} (budget at least 1024 and below max_tokens), adaptive or disabled. */
    private static Reasoning thinking(JsonObject body, int maxTokens) {
        JsonObject thinking = Json.object(body, "thinking");
        if (thinking == null) {
            return null;
        }
        Object type = thinking.getValue("type");
        if ("disabled".equals(type)) {
            return null;
        }
        if ("adaptive".equals(type)) {
            return new Reasoning(maxTokens, true);
        }
        if (!"enabled".equals(type)) {
            throw ProtocolException.invalid("thinking.type: Input tag '" + type + "' found using 'type' does not"
                    + " match any of the expected tags: 'enabled', 'disabled', 'adaptive'");
        }
        Object budget = thinking.getValue("budget_tokens");
        if (budget == null) {
            throw ProtocolException.invalid("thinking.enabled.budget_tokens: Field required");
        }
        if (!(budget instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw ProtocolException.invalid("thinking.enabled.budget_tokens: Input should be a valid integer");
        }
        if (n.longValue() < 1024) {
            throw ProtocolException.invalid(
                    "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
        }
        if (maxTokens <= n.longValue()) {
            throw ProtocolException.invalid("`max_tokens` must be greater than `thinking.budget_tokens`. Please"
                    + " consult our documentation at https://docs.claude.com/en/docs/build-with-claude/"
                    + "extended-thinking#max-tokens-and-context-window-size");
        }
        return new Reasoning(n.intValue(), true);
    }

    /** A thinking block sent back must be whole and carry the signature the simulator issued for its text. */
    private static void checkThinking(JsonObject block, String where) {
        if (!(block.getValue("thinking") instanceof String text)) {
            throw ProtocolException.invalid(where + ".thinking.thinking: Field required");
        }
        if (!(block.getValue("signature") instanceof String signature)) {
            throw ProtocolException.invalid(where + ".thinking.signature: Field required");
        }
        if (!Signatures.validThinking(text, signature)) {
            throw ProtocolException.invalid(where + ": Invalid `signature` in `thinking` block");
        }
    }

    /**
     * With thinking on, an assistant turn whose tool_use is being answered (a tool loop in progress) must start
     * with the thinking block that preceded the call.
     */
    private static void thinkingBeforeToolUse(JsonArray messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonObject message = messages.getJsonObject(i);
            if (!"assistant".equals(message.getValue("role"))) {
                continue;
            }
            if (i == messages.size() - 1 || !(message.getValue("content") instanceof JsonArray blocks)
                    || !hasType(blocks, "tool_use")) {
                return; // only the last assistant turn, and only when it called a tool that is being answered
            }
            Object first = blocks.getValue(0) instanceof JsonObject b ? b.getValue("type") : null;
            if (!"thinking".equals(first) && !"redacted_thinking".equals(first)) {
                throw ProtocolException.invalid("messages." + i + ".content.0.type: Expected `thinking` or"
                        + " `redacted_thinking`, but found `" + first + "`. When `thinking` is enabled, a final"
                        + " `assistant` message must start with a thinking block (preceeding the lastmost set of"
                        + " `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from"
                        + " previous turns. To avoid this requirement, disable `thinking`. Please consult our"
                        + " documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking");
            }
            return;
        }
    }

    private static boolean hasType(JsonArray blocks, String type) {
        for (Object b : blocks) {
            if (b instanceof JsonObject block && type.equals(block.getValue("type"))) {
                return true;
            }
        }
        return false;
    }

    /** Structured outputs: output_config.format (GA) or output_format (beta), {type: json_schema, schema}. */
    private static String structured(JsonObject body) {
        JsonObject format = Json.object(body, "output_format");
        String field = "output_format";
        JsonObject config = Json.object(body, "output_config");
        if (config != null && config.getValue("format") instanceof JsonObject f) {
            format = f;
            field = "output_config.format";
        }
        if (format == null) {
            return null;
        }
        if (!"json_schema".equals(format.getValue("type"))) {
            throw ProtocolException.invalid(field + ".type: Input should be 'json_schema'");
        }
        if (!(format.getValue("schema") instanceof JsonObject schema)) {
            throw ProtocolException.invalid(field + ".schema: Field required");
        }
        return Json.encode(SchemaInstance.of(schema));
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
        return new ToolCall(chosen.getString("name"), SchemaInstance.forSchema(chosen.getValue("input_schema")));
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
            m.put("usage", usage(c, outputTokens));
        }
        return m;
    }

    /** input_tokens are the tokens neither read from nor written to the cache, as Anthropic counts them. */
    private static JsonObject usage(Completion c, int outputTokens) {
        JsonObject usage = new JsonObject()
                .put("input_tokens", c.promptTokens() - c.cacheRead() - c.cacheWrite())
                .put("output_tokens", outputTokens);
        if (c.cacheRead() > 0 || c.cacheWrite() > 0) {
            usage.put("cache_creation_input_tokens", c.cacheWrite()).put("cache_read_input_tokens", c.cacheRead());
        }
        return usage;
    }

    private static JsonObject answerBlock(Completion c, boolean whole) {
        if (c.tool() != null) {
            return new JsonObject().put("type", "tool_use").put("id", "toolu_" + c.id()).put("name", c.tool().name())
                    .put("input", whole ? c.tool().arguments() : new JsonObject());
        }
        return new JsonObject().put("type", "text").put("text", whole ? c.text() : "");
    }

    @Override
    public String body(SimRequest r, Completion c) {
        JsonArray content = new JsonArray();
        if (c.reasoning() != null) {
            content.add(new JsonObject().put("type", "thinking").put("thinking", c.reasoning())
                    .put("signature", Signatures.thinking(c.reasoning())));
        }
        content.add(answerBlock(c, true));
        return message(r, c, content, stopReason(c), c.outputTokens()).encode();
    }

    @Override
    public List<SseEvent> events(SimRequest r, Completion c) {
        List<SseEvent> events = new ArrayList<>(c.chunks().size() + c.reasoningChunks().size() + 11);
        events.add(event("message_start", new JsonObject().put("type", "message_start")
                .put("message", message(r, c, new JsonArray(), null, 0)), 0));
        int index = 0;
        if (c.reasoning() != null) {
            events.add(blockStart(index, new JsonObject().put("type", "thinking").put("thinking", "")
                    .put("signature", "")));
            events.add(event("ping", new JsonObject().put("type", "ping"), 0));
            for (String piece : c.reasoningChunks()) {
                events.add(delta(index, new JsonObject().put("type", "thinking_delta").put("thinking", piece), 1));
            }
            events.add(delta(index, new JsonObject().put("type", "signature_delta")
                    .put("signature", Signatures.thinking(c.reasoning())), 0));
            events.add(blockStop(index++));
        }
        events.add(blockStart(index, answerBlock(c, false)));
        if (c.reasoning() == null) {
            events.add(event("ping", new JsonObject().put("type", "ping"), 0));
        }
        for (String piece : c.chunks()) {
            events.add(delta(index, c.tool() != null
                    ? new JsonObject().put("type", "input_json_delta").put("partial_json", piece)
                    : new JsonObject().put("type", "text_delta").put("text", piece), 1));
        }
        events.add(blockStop(index));
        JsonObject messageDelta = new JsonObject().put("type", "message_delta")
                .put("delta", new JsonObject().put("stop_reason", stopReason(c)).put("stop_sequence", null));
        if (!c.omitUsage()) {
            messageDelta.put("usage", usage(c, c.outputTokens()));
        }
        events.add(event("message_delta", messageDelta, 0));
        events.add(event("message_stop", new JsonObject().put("type", "message_stop"), 0));
        return events;
    }

    private static SseEvent blockStart(int index, JsonObject block) {
        return event("content_block_start", new JsonObject().put("type", "content_block_start").put("index", index)
                .put("content_block", block), 0);
    }

    private static SseEvent delta(int index, JsonObject delta, int tokens) {
        return event("content_block_delta", new JsonObject().put("type", "content_block_delta").put("index", index)
                .put("delta", delta), tokens);
    }

    private static SseEvent blockStop(int index) {
        return event("content_block_stop", new JsonObject().put("type", "content_block_stop").put("index", index), 0);
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
