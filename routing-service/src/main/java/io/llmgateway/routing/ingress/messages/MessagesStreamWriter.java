package io.llmgateway.routing.ingress.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.ReasoningMerge;
import io.llmgateway.routing.canonical.ServedStreamWriter;
import io.llmgateway.routing.canonical.StreamHead;
import io.llmgateway.routing.canonical.StreamWriter;
import io.llmgateway.routing.canonical.TokenUsage;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * Anthropic's stream events: {@code message_start}, then per content block {@code content_block_start},
 * its deltas and {@code content_block_stop} (a new block whenever the kind of delta changes: thinking,
 * text, or one tool call), a {@code ping} after the first block opened (and as keepalive while no
 * provider answered), then {@code message_delta} with the stop reason and usage and {@code message_stop};
 * a failure after the start is one {@code error} event.
 */
final class MessagesStreamWriter extends ServedStreamWriter {

    private static final Buffer PING = Buffer.buffer("event: ping\ndata: {\"type\":\"ping\"}\n\n");

    private boolean started;
    private boolean pinged;
    /** Index of the open block (-1: none) and what it holds: thinking, text or tool_use. */
    private int block = -1;
    private String kind;
    private int blocks;
    /** Canonical tool call index -> its tool_use block. */
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private String finish;
    private String nativeFinish;
    private final ReasoningMerge entries = new ReasoningMerge();
    /** The merged entry the open thinking block shows, if it shows one. */
    private ObjectNode thinking;

    MessagesStreamWriter(StreamHead head) {
        super(head);
    }

    @Override
    public Buffer keepalive() {
        return PING;
    }

    private void start(Buffer out) {
        if (started) {
            return;
        }
        started = true;
        ObjectNode message = Json.object().put("id", head.generationId()).put("type", "message").put("role", "assistant")
                .put("model", model());
        if (provider != null) {
            message.put("provider", provider);
        }
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        // the prompt's size estimate; message_delta carries the provider's count at the end
        message.putObject("usage").put("input_tokens", head.request().promptTokenEstimate()).put("output_tokens", 0)
                .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0);
        ObjectNode event = Json.object().put("type", "message_start");
        event.set("message", message);
        StreamWriter.event(out, "message_start", event);
    }

    @Override
    public void delta(Buffer out, int index, ObjectNode delta, String finishReason, String nativeFinishReason) {
        if (index != 0) {
            return; // Messages has one answer; a canonical request from it never asks for more
        }
        start(out);
        JsonNode details = delta.get("reasoning_details");
        if (details != null && details.isArray() && !details.isEmpty()) {
            reasoningDetails(out, details);
        } else {
            String reasoning = Json.text(delta, "reasoning");
            if (reasoning != null && !reasoning.isEmpty()) {
                openThinking(out);
                blockDelta(out, Json.object().put("type", "thinking_delta").put("thinking", reasoning));
            }
        }
        String text = Json.text(delta, "content");
        if (text != null && !text.isEmpty()) {
            open(out, "text", Json.object().put("type", "text").put("text", ""));
            blockDelta(out, Json.object().put("type", "text_delta").put("text", text));
        }
        for (JsonNode call : delta.path("tool_calls")) {
            toolCall(out, call);
        }
        if (finishReason != null) {
            finish = finishReason;
            nativeFinish = nativeFinishReason;
        }
    }

    /**
     * Entries merged by index: one thinking block per text entry (its signature, arriving in a later
     * delta, as its {@code signature_delta}; another provider's entry sealed into the signature when
     * the block closes), one redacted_thinking block per encrypted entry.
     */
    private void reasoningDetails(Buffer out, JsonNode details) {
        for (JsonNode d : details) {
            ObjectNode merged = entries.add(d);
            if (ThinkingBlocks.encrypted(merged)) {
                close(out);
                open(out, "redacted_thinking", Json.object().put("type", "redacted_thinking")
                        .put("data", ThinkingBlocks.data(merged)));
                close(out);
                continue;
            }
            int index = merged.get("index").asInt();
            // a block opened by plain reasoning text takes the entry that follows it (its signature)
            if (!"thinking".equals(kind) || (thinking != null && thinking.get("index").asInt() != index)) {
                close(out);
                openThinking(out);
            }
            thinking = merged;
            String text = d.has("text") ? Json.text(d, "text") : Json.text(d, "summary");
            if (text != null && !text.isEmpty()) {
                blockDelta(out, Json.object().put("type", "thinking_delta").put("thinking", text));
            }
            String signature = Json.text(d, "signature");
            if (signature != null && !signature.isEmpty() && ThinkingBlocks.anthropic(merged)) {
                blockDelta(out, Json.object().put("type", "signature_delta").put("signature", signature));
            }
        }
    }

    private void openThinking(Buffer out) {
        open(out, "thinking", Json.object().put("type", "thinking").put("thinking", "").put("signature", ""));
    }

    private void toolCall(Buffer out, JsonNode call) {
        int index = call.path("index").asInt(toolBlocks.size());
        Integer at = toolBlocks.get(index);
        if (at == null) {
            ObjectNode start = Json.object().put("type", "tool_use").put("id", Json.text(call, "id"))
                    .put("name", Json.text(call.path("function"), "name"));
            start.putObject("input");
            close(out);
            open(out, "tool_use", start);
            toolBlocks.put(index, block);
            at = block;
        }
        String arguments = Json.text(call.path("function"), "arguments");
        if (arguments != null && !arguments.isEmpty()) {
            ObjectNode event = Json.object().put("type", "content_block_delta").put("index", at);
            event.putObject("delta").put("type", "input_json_delta").put("partial_json", arguments);
            StreamWriter.event(out, "content_block_delta", event);
        }
    }

    /** Opens a block of this kind unless one is open (a tool_use block is never continued by kind). */
    private void open(Buffer out, String newKind, ObjectNode contentBlock) {
        if (block >= 0 && newKind.equals(kind) && !newKind.equals("tool_use")) {
            return;
        }
        close(out);
        block = blocks++;
        kind = newKind;
        ObjectNode event = Json.object().put("type", "content_block_start").put("index", block);
        event.set("content_block", contentBlock);
        StreamWriter.event(out, "content_block_start", event);
        if (!pinged) {
            pinged = true;
            out.appendBuffer(PING);
        }
    }

    private void blockDelta(Buffer out, ObjectNode delta) {
        ObjectNode event = Json.object().put("type", "content_block_delta").put("index", block);
        event.set("delta", delta);
        StreamWriter.event(out, "content_block_delta", event);
    }

    private void close(Buffer out) {
        if (block < 0) {
            return;
        }
        if ("thinking".equals(kind) && thinking != null && !ThinkingBlocks.anthropic(thinking)) {
            blockDelta(out, Json.object().put("type", "signature_delta").put("signature", ThinkingBlocks.signature(thinking)));
        }
        thinking = null;
        StreamWriter.event(out, "content_block_stop", Json.object().put("type", "content_block_stop").put("index", block));
        block = -1;
        kind = null;
    }

    @Override
    public void done(Buffer out, TokenUsage usage, BigDecimal cost) {
        start(out);
        close(out);
        ObjectNode event = Json.object().put("type", "message_delta");
        event.putObject("delta").put("stop_reason", MessagesFormat.stopReason(finish, nativeFinish, !toolBlocks.isEmpty()))
                .putNull("stop_sequence");
        event.set("usage", MessagesFormat.usage(usage, cost));
        StreamWriter.event(out, "message_delta", event);
        StreamWriter.event(out, "message_stop", Json.object().put("type", "message_stop"));
    }

    @Override
    public void failed(Buffer out, String message, TokenUsage usage, BigDecimal cost) {
        // what was generated is billed; Anthropic's clients see the failure as an error event
        error(out, "api_error", message == null ? "The provider failed mid-stream" : message);
    }

    @Override
    public void refused(Buffer out, GatewayException e) {
        error(out, MessagesFormat.errorType(e.status()), e.getMessage());
    }

    private static void error(Buffer out, String type, String message) {
        ObjectNode event = Json.object().put("type", "error");
        event.putObject("error").put("type", type).put("message", message);
        StreamWriter.event(out, "error", event);
    }
}
