package io.llmgateway.routing.usage;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.routing.canonical.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * What a chat prompt's token estimate counts (each message's text, its tool calls, the tools) without
 * the JSON tree around it, counted only when asked. A stream keeps this instead of its request's tree
 * once it has started: the tree is needed for attempts, and afterwards only the estimate of a stream
 * whose provider never reports usage reads the prompt.
 *
 * @param fixedTokens the per-message overhead, and the prompt's own
 * @param texts       the strings whose tokens are counted (the tree's own strings where it has them)
 */
public record PromptText(long fixedTokens, List<String> texts) {

    public static PromptText of(JsonNode chatBody) {
        long fixed = 3;
        List<String> texts = new ArrayList<>();
        for (JsonNode m : chatBody.path("messages")) {
            fixed += 4;
            texts.add(Json.contentText(m.get("content")));
            if (m.has("tool_calls")) {
                texts.add(m.get("tool_calls").toString());
            }
        }
        if (chatBody.has("tools")) {
            texts.add(chatBody.get("tools").toString());
        }
        return new PromptText(fixed, List.copyOf(texts));
    }

    public long tokens() {
        long total = fixedTokens;
        for (String text : texts) {
            total += Tokens.count(text);
        }
        return total;
    }
}
