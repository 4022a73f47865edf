package io.llmgateway.routing.usage;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.routing.canonical.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * What a chat prompt's token estimate counts (each message's text, its tool calls, the tools) without
 * the JSON tree around it, counted only when asked. A stream keeps this instead of its request's tree
 * once it has started: the tree is needed for attempts, and afterwards only the estimate of a stream
 * whose provider never reports usage reads the prompt. Made on every stream's start, so it only
 * collects: message texts (the tree's own strings; a list of parts is joined, its images left out)
 * and the tool subtrees, which are serialised for counting only if the estimate is ever asked for.
 *
 * @param fixedTokens the per-message overhead, and the prompt's own
 * @param texts       message texts
 * @param structures  tool calls and tool definitions, counted as their JSON
 */
public record PromptText(long fixedTokens, List<String> texts, List<JsonNode> structures) {

    public static PromptText of(JsonNode chatBody) {
        long fixed = 3;
        List<String> texts = new ArrayList<>();
        List<JsonNode> structures = new ArrayList<>(0);
        for (JsonNode m : chatBody.path("messages")) {
            fixed += 4;
            texts.add(Json.contentText(m.get("content")));
            JsonNode calls = m.get("tool_calls");
            if (calls != null) {
                structures.add(calls);
            }
        }
        JsonNode tools = chatBody.get("tools");
        if (tools != null) {
            structures.add(tools);
        }
        return new PromptText(fixed, texts, structures);
    }

    public long tokens() {
        long total = fixedTokens;
        for (String text : texts) {
            total += Tokens.count(text);
        }
        for (JsonNode structure : structures) {
            total += Tokens.count(structure.toString());
        }
        return total;
    }
}
