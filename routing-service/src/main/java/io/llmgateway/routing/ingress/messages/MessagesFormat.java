package io.llmgateway.routing.ingress.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.canonical.Answer;
import io.llmgateway.routing.canonical.CanonicalRequest;
import io.llmgateway.routing.canonical.IngressFormat;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.StreamHead;
import io.llmgateway.routing.canonical.StreamWriter;
import io.llmgateway.routing.canonical.TokenUsage;
import io.llmgateway.routing.ingress.chat.ChatBodyFormat;
import io.llmgateway.routing.ingress.chat.ChatRequestParser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Singleton;
import java.math.BigDecimal;

/**
 * {@code POST /api/v1/messages}: Anthropic's Messages API. Requests are translated into the canonical
 * chat body ({@link MessagesRequestTranslator}); answers, streams ({@link MessagesStreamWriter}) and
 * errors go out in Anthropic's shapes. The message id is the generation id, as in X-Generation-Id.
 */
@Singleton
public class MessagesFormat extends ChatBodyFormat {

    public MessagesFormat(ChatRequestParser parser) {
        super("messages", parser);
    }

    @Override
    protected ObjectNode toChat(ObjectNode request) {
        return MessagesRequestTranslator.toChat(request, false);
    }

    /** count_tokens: the same translation, without {@code max_tokens} required. */
    CanonicalRequest parseForCount(Buffer body) {
        return parser.canonical(MessagesRequestTranslator.toChat(ChatRequestParser.readObject(body), true));
    }

    @Override
    public Buffer answer(Answer a) {
        ObjectNode out = Json.object();
        out.put("id", a.head().generationId());
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", a.model());
        out.put("provider", a.provider());
        ArrayNode content = out.putArray("content");
        JsonNode choice = a.completion().choices().isEmpty() ? Json.object() : a.completion().choices().get(0);
        JsonNode message = choice.path("message");
        thinking(message, content);
        String text = Json.contentText(message.get("content"));
        if (!text.isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode use = content.addObject().put("type", "tool_use").put("id", Json.text(call, "id"))
                    .put("name", Json.text(call.path("function"), "name"));
            use.set("input", input(Json.text(call.path("function"), "arguments")));
        }
        boolean calls = message.path("tool_calls").size() > 0;
        out.put("stop_reason", stopReason(Json.text(choice, "finish_reason"), Json.text(choice, "native_finish_reason"),
                calls));
        out.putNull("stop_sequence");
        out.set("usage", usage(a.usage(), a.cost()));
        return Json.buffer(out);
    }

    /** Thinking blocks from the canonical reasoning details (signed, or redacted), else from its reasoning text. */
    private static void thinking(JsonNode message, ArrayNode content) {
        JsonNode details = message.get("reasoning_details");
        if (details != null && details.isArray() && !details.isEmpty()) {
            for (JsonNode d : details) {
                if (ThinkingBlocks.encrypted(d)) {
                    content.addObject().put("type", "redacted_thinking").put("data", ThinkingBlocks.data(d));
                } else {
                    content.addObject().put("type", "thinking").put("thinking", ThinkingBlocks.text(d))
                            .put("signature", ThinkingBlocks.signature(d));
                }
            }
            return;
        }
        String reasoning = Json.text(message, "reasoning");
        if (reasoning != null && !reasoning.isEmpty()) {
            content.addObject().put("type", "thinking").put("thinking", reasoning).put("signature", "");
        }
    }

    /** A tool call's arguments as the tool_use input object ({} when a provider sent none or no object). */
    static JsonNode input(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            return Json.object();
        }
        try {
            JsonNode parsed = Json.parse(arguments);
            return parsed.isObject() ? parsed : Json.object();
        } catch (IllegalArgumentException e) {
            return Json.object();
        }
    }

    /**
     * Anthropic's stop reason: the provider's own when it is one of Anthropic's (an Anthropic
     * upstream), else from the normalised finish reason.
     */
    static String stopReason(String finish, String nativeFinish, boolean toolCalls) {
        if (nativeFinish != null) {
            switch (nativeFinish) {
                case "end_turn", "max_tokens", "tool_use", "stop_sequence", "pause_turn", "refusal" -> {
                    return nativeFinish;
                }
                default -> { }
            }
        }
        if ("length".equals(finish)) {
            return "max_tokens";
        }
        if ("content_filter".equals(finish)) {
            return "refusal";
        }
        return toolCalls || "tool_calls".equals(finish) ? "tool_use" : "end_turn";
    }

    /**
     * Anthropic's usage: {@code input_tokens} excludes cache reads and writes, as Anthropic counts
     * them. Our {@code cost} rides along as an extra field.
     */
    static ObjectNode usage(TokenUsage u, BigDecimal cost) {
        ObjectNode usage = Json.object();
        usage.put("input_tokens", Math.max(0, u.prompt - u.cached - u.cacheWrite));
        usage.put("output_tokens", u.completion);
        usage.put("cache_creation_input_tokens", u.cacheWrite);
        usage.put("cache_read_input_tokens", u.cached);
        if (cost != null) {
            usage.put("cost", cost);
        }
        return usage;
    }

    @Override
    public StreamWriter streamWriter(StreamHead head) {
        return new MessagesStreamWriter(head);
    }

    @Override
    public void fail(HttpServerResponse response, GatewayException e) {
        IngressFormat.error(response, e, () -> error(e));
    }

    /** {@code {"type":"error","error":{"type","message"}}}, the gateway's metadata (attempts) kept beside. */
    static ObjectNode error(GatewayException e) {
        ObjectNode out = Json.object().put("type", "error");
        ObjectNode error = out.putObject("error").put("type", errorType(e.status())).put("message", e.getMessage());
        if (e.metadata() != null) {
            error.set("metadata", Json.MAPPER.valueToTree(e.metadata()));
        }
        return out;
    }

    /**
     * Anthropic's error type for a status. The status itself is kept: 402 is Anthropic's
     * {@code billing_error}; 503 (no provider available, state store down) stays 503 with
     * {@code overloaded_error}, which Anthropic's clients retry as they retry its 529.
     */
    static String errorType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 408, 504 -> "timeout_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
