package io.llmgateway.routing.ingress.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.Answer;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.StreamHead;
import io.llmgateway.routing.canonical.StreamWriter;
import io.llmgateway.routing.canonical.TokenUsage;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.math.BigDecimal;

/**
 * {@code POST /api/v1/chat/completions}: OpenAI chat as OpenRouter serves it. The canonical form is
 * this format, so a request passes through after validation and an answer is the canonical one with
 * the gateway's ids, model and usage added.
 */
@Singleton
public class ChatFormat extends ChatBodyFormat {

    @Inject
    public ChatFormat(ChatRequestParser parser) {
        this("chat", parser);
    }

    protected ChatFormat(String operation, ChatRequestParser parser) {
        super(operation, parser);
    }

    /** The canonical form is this format's own. */
    @Override
    protected ObjectNode toChat(ObjectNode request) {
        return request;
    }

    /** Whether answers use the legacy completions shape ({@code text} instead of messages). */
    protected boolean legacy() {
        return false;
    }

    @Override
    public Buffer answer(Answer a) {
        ObjectNode out = Json.object();
        out.put("id", a.head().generationId());
        out.put("provider", a.provider());
        out.put("model", a.model());
        out.put("object", legacy() ? "text_completion" : "chat.completion");
        out.put("created", a.head().created());
        ArrayNode choices = a.completion().choices();
        if (legacy()) {
            ArrayNode texts = Json.NODES.arrayNode();
            for (JsonNode ch : choices) {
                texts.addObject().put("index", ch.path("index").asInt()).put("text",
                        Json.contentText(ch.path("message").get("content")))
                        .put("finish_reason", Json.text(ch, "finish_reason"))
                        .put("native_finish_reason", Json.text(ch, "native_finish_reason"));
            }
            choices = texts;
        }
        out.set("choices", choices);
        out.put("system_fingerprint", a.completion().systemFingerprint());
        out.set("usage", usageJson(a.usage(), a.cost()));
        return Json.buffer(out);
    }

    @Override
    public StreamWriter streamWriter(StreamHead head) {
        return new ChatStreamWriter(head, legacy());
    }

    /** OpenRouter's usage object, cost included. */
    public static ObjectNode usageJson(TokenUsage u, BigDecimal cost) {
        ObjectNode usage = Json.object();
        usage.put("prompt_tokens", u.prompt);
        usage.put("completion_tokens", u.completion);
        usage.put("total_tokens", u.prompt + u.completion);
        usage.put("cost", cost);
        usage.put("is_byok", false);
        usage.putObject("prompt_tokens_details").put("cached_tokens", u.cached).put("cache_write_tokens", u.cacheWrite);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", u.reasoning);
        return usage;
    }
}
