package io.llmgateway.routing.upstream.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.Completion;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.StreamSink;
import io.llmgateway.routing.canonical.TokenUsage;

/**
 * OpenRouter's {@code reasoning_details}: the reasoning of an answer as typed entries a client sends
 * back on its next turn, so signed thinking survives a tool loop. {@code reasoning.text} carries the
 * text and its signature (Anthropic's {@code thinking} block), {@code reasoning.encrypted} opaque data
 * (Anthropic's {@code redacted_thinking}, Gemini's {@code thoughtSignature}, with the tool call's
 * {@code id} it belongs to). Streams send them as deltas that clients merge by {@code index}.
 */
public final class ReasoningDetails {

    static final String ANTHROPIC = "anthropic-claude-v1";
    static final String GEMINI = "google-gemini-v1";

    private ReasoningDetails() {
    }

    static ObjectNode text(String text, String signature, String format, int index) {
        ObjectNode d = Json.object().put("type", "reasoning.text");
        if (text != null) {
            d.put("text", text);
        }
        if (signature != null) {
            d.put("signature", signature);
        }
        return d.put("format", format).put("index", index);
    }

    static ObjectNode encrypted(String data, String id, String format, int index) {
        ObjectNode d = Json.object().put("type", "reasoning.encrypted").put("data", data);
        if (id != null) {
            d.put("id", id);
        }
        return d.put("format", format).put("index", index);
    }

    /**
     * Adds one entry to a message or delta's {@code reasoning_details}; text of the same index as the
     * last entry (one thought over several parts) is appended to it, so one message holds merged entries.
     */
    static void add(ObjectNode target, ObjectNode detail) {
        ArrayNode list = target.get("reasoning_details") instanceof ArrayNode a ? a : target.putArray("reasoning_details");
        JsonNode last = list.isEmpty() ? null : list.get(list.size() - 1);
        if (last instanceof ObjectNode previous && previous.path("index").equals(detail.path("index"))
                && previous.path("text").isTextual() && detail.path("text").isTextual()) {
            previous.put("text", previous.get("text").asText() + detail.get("text").asText());
            return;
        }
        list.add(detail);
    }

    /** The entries of an assistant message sent back, of that format (or of none). */
    static Iterable<JsonNode> of(JsonNode message, String format) {
        ArrayNode out = Json.NODES.arrayNode();
        for (JsonNode d : message.path("reasoning_details")) {
            String f = Json.text(d, "format");
            if (f == null || f.equals(format) || f.equals("unknown")) {
                out.add(d);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- reasoning.exclude

    /** The answer without its reasoning text (counted and billed all the same); opaque entries stay. */
    public static Completion exclude(Completion c) {
        for (JsonNode choice : c.choices()) {
            if (choice.get("message") instanceof ObjectNode message) {
                strip(message);
            }
        }
        return c;
    }

    /** A sink that passes the stream on without reasoning text. */
    public static StreamSink exclude(StreamSink sink) {
        return new StreamSink() {
            @Override
            public void delta(int index, ObjectNode delta, String finishReason, String nativeFinishReason) {
                boolean had = delta.has("reasoning") || delta.has("reasoning_details");
                strip(delta);
                if (had && delta.isEmpty() && finishReason == null) {
                    return; // nothing left to say
                }
                sink.delta(index, delta, finishReason, nativeFinishReason);
            }

            @Override
            public void usage(TokenUsage usage) {
                sink.usage(usage);
            }

            @Override
            public void meta(String upstreamId, String systemFingerprint) {
                sink.meta(upstreamId, systemFingerprint);
            }

            @Override
            public void done() {
                sink.done();
            }

            @Override
            public void fail(String message) {
                sink.fail(message);
            }
        };
    }

    private static void strip(ObjectNode target) {
        target.remove("reasoning");
        if (target.get("reasoning_details") instanceof ArrayNode details) {
            for (int i = details.size() - 1; i >= 0; i--) {
                if (!"reasoning.encrypted".equals(Json.text(details.get(i), "type"))) {
                    details.remove(i);
                }
            }
            if (details.isEmpty()) {
                target.remove("reasoning_details");
            }
        }
    }
}
