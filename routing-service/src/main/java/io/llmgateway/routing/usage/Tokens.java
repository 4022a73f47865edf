package io.llmgateway.routing.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import io.llmgateway.routing.canonical.Completion;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.TokenUsage;

/** Real token counts (cl100k) for when a provider reports no usage. */
public final class Tokens {

    private static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    private Tokens() {
    }

    public static long count(String text) {
        return text == null || text.isEmpty() ? 0 : ENCODING.countTokens(text);
    }

    /**
     * Prompt tokens of a canonical body: for chat, message texts plus a small per-message overhead;
     * for embeddings, the tokens of the input (token arrays count as their length).
     */
    public static long prompt(JsonNode body) {
        if (body.has("input")) {
            return input(body.get("input"));
        }
        return PromptText.of(body).tokens();
    }

    private static long input(JsonNode input) {
        if (input.isTextual()) {
            return count(input.asText());
        }
        if (input.isNumber()) {
            return 1;
        }
        long total = 0;
        for (JsonNode item : input) {
            total += item.isArray() ? item.size() : input(item);
        }
        return total;
    }

    /** Text of cl100k_base token ids (for protocols that take only text). */
    public static String decode(JsonNode tokens) {
        IntArrayList ids = new IntArrayList(tokens.size());
        tokens.forEach(t -> ids.add(t.asInt()));
        return ENCODING.decode(ids);
    }

    /** A whole answer's usage counted by the gateway, for a provider that reported none. */
    public static TokenUsage estimate(JsonNode requestBody, Completion completion) {
        StringBuilder text = new StringBuilder();
        completion.choices().forEach(ch -> text.append(Json.contentText(ch.path("message").get("content"))));
        return TokenUsage.of(prompt(requestBody), count(text.toString()), 0, 0);
    }
}
