package io.llmgateway.routing.ingress.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.ServedStreamWriter;
import io.llmgateway.routing.canonical.StreamHead;
import io.llmgateway.routing.canonical.StreamWriter;
import io.llmgateway.routing.canonical.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;

/** Chat (and legacy completions) chunks: {@code data: {chunk}} events ending in {@code data: [DONE]}. */
final class ChatStreamWriter extends ServedStreamWriter {

    private static final String DONE = "data: [DONE]\n\n";

    private final boolean legacy;
    private String fingerprint;

    ChatStreamWriter(StreamHead head, boolean legacy) {
        super(head);
        this.legacy = legacy;
    }

    @Override
    public void meta(String upstreamId, String systemFingerprint) {
        if (systemFingerprint != null) {
            this.fingerprint = systemFingerprint;
        }
    }

    private ObjectNode chunk() {
        ObjectNode chunk = Json.object();
        chunk.put("id", head.generationId());
        chunk.put("provider", provider);
        chunk.put("model", model());
        chunk.put("object", legacy ? "text_completion" : "chat.completion.chunk");
        chunk.put("created", head.created());
        if (fingerprint != null) {
            // optional but not nullable in OpenRouter's chunk schema; strict clients reject null
            chunk.put("system_fingerprint", fingerprint);
        }
        return chunk;
    }

    @Override
    public void delta(Buffer out, int index, ObjectNode delta, String finish, String nativeFinish) {
        ObjectNode chunk = chunk();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", index);
        JsonNode logprobs = delta.remove("logprobs"); // carried beside the delta by the OpenAI adapter
        if (legacy) {
            JsonNode content = delta.get("content");
            choice.put("text", content == null || content.isNull() ? "" : content.asText());
        } else {
            choice.set("delta", delta);
        }
        if (logprobs != null) {
            choice.set("logprobs", logprobs);
        }
        choice.put("finish_reason", finish);
        choice.put("native_finish_reason", nativeFinish);
        StreamWriter.data(out, chunk);
    }

    @Override
    public void done(Buffer out, TokenUsage usage, BigDecimal cost) {
        ObjectNode chunk = chunk();
        chunk.putArray("choices");
        chunk.set("usage", ChatFormat.usageJson(usage, cost));
        StreamWriter.data(out, chunk);
        out.appendString(DONE);
    }

    @Override
    public void failed(Buffer out, String message, TokenUsage usage, BigDecimal cost) {
        ObjectNode chunk = chunk();
        chunk.putObject("error").put("code", 502).put("message", message);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta").put("content", "");
        choice.put("finish_reason", "error");
        choice.put("native_finish_reason", "error");
        chunk.set("usage", ChatFormat.usageJson(usage, cost));
        StreamWriter.data(out, chunk);
        out.appendString(DONE);
    }

    @Override
    public void refused(Buffer out, GatewayException e) {
        ObjectNode chunk = Json.object();
        chunk.put("id", head.generationId());
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", head.created());
        chunk.put("model", head.requestedModel());
        chunk.putObject("error").put("code", e.status()).put("message", e.getMessage());
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta").put("content", "");
        choice.put("finish_reason", "error");
        StreamWriter.data(out, chunk);
        out.appendString(DONE);
    }
}
