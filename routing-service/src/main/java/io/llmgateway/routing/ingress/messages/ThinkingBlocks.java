package io.llmgateway.routing.ingress.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.SealedReasoning;

/**
 * Canonical reasoning entries as Messages blocks and back. Anthropic's own entries (and those of no
 * stated format) are its
 * {@code thinking} (text + signature) and {@code redacted_thinking} (data) blocks as they were; any
 * other provider's entry (a Gemini thought signature tied to a tool call, …) rides sealed in the
 * block's signature or data, so the client hands it back whole on its next turn.
 */
final class ThinkingBlocks {

    private ThinkingBlocks() {
    }

    /** Anthropic's own entry, or one of no stated format (taken as it is, as upstreams take those). */
    static boolean anthropic(JsonNode detail) {
        String format = Json.text(detail, "format");
        return format == null || format.equals("unknown") || format.equals(MessagesRequestTranslator.REASONING_FORMAT);
    }

    static boolean encrypted(JsonNode detail) {
        return "reasoning.encrypted".equals(Json.text(detail, "type"));
    }

    /** The text of a text or summary entry ("" for none). */
    static String text(JsonNode detail) {
        return detail.path(detail.has("text") ? "text" : "summary").asText("");
    }

    /** A redacted_thinking block's data: Anthropic's own, or the sealed entry. */
    static String data(JsonNode detail) {
        return anthropic(detail) ? detail.path("data").asText("") : SealedReasoning.seal(Json.NODES.arrayNode().add(detail));
    }

    /** A thinking block's signature: Anthropic's own ("" when it has none), or the entry sealed without its text. */
    static String signature(JsonNode detail) {
        if (anthropic(detail)) {
            return detail.path("signature").asText("");
        }
        ObjectNode carried = detail.deepCopy();
        carried.remove("text");
        carried.remove("summary");
        return SealedReasoning.seal(Json.NODES.arrayNode().add(carried));
    }

    /** A thinking block sent back: its entries, the text restored into a sealed one. */
    static void fromThinking(String text, String signature, int index, String at, ArrayNode into) {
        if (SealedReasoning.sealed(signature)) {
            for (JsonNode d : SealedReasoning.unseal(signature, at + ".signature")) {
                ObjectNode entry = (ObjectNode) d;
                if (!encrypted(entry)) {
                    entry.put("reasoning.summary".equals(Json.text(entry, "type")) ? "summary" : "text", text);
                }
                into.add(entry);
            }
            return;
        }
        ObjectNode entry = into.addObject().put("type", "reasoning.text").put("text", text);
        if (signature != null && !signature.isEmpty()) { // an unsigned block (another model's reasoning) has none
            entry.put("signature", signature);
        }
        entry.put("format", MessagesRequestTranslator.REASONING_FORMAT).put("index", index);
    }

    /** A redacted_thinking block sent back: Anthropic's data, or the sealed entries. */
    static void fromRedacted(String data, int index, String at, ArrayNode into) {
        if (SealedReasoning.sealed(data)) {
            into.addAll(SealedReasoning.unseal(data, at + ".data"));
            return;
        }
        into.addObject().put("type", "reasoning.encrypted").put("data", data)
                .put("format", MessagesRequestTranslator.REASONING_FORMAT).put("index", index);
    }
}
