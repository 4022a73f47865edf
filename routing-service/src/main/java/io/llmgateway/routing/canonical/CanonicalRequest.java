package io.llmgateway.routing.canonical;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A validated request in the gateway's canonical form, whatever format it arrived in. {@code body}
 * is the canonical request itself: OpenRouter's chat-completions schema (a superset of OpenAI chat:
 * messages with content parts, tools, tool calls, response_format, reasoning, provider preferences),
 * which every {@link IngressFormat} translates into and every upstream protocol adapter translates
 * from. An embeddings request ({@link RequestKind#EMBEDDINGS}) keeps OpenAI's embeddings body
 * instead ({@code input}, {@code dimensions}, {@code user}). The other components are what selection
 * and admission need, read from the body once.
 */
public record CanonicalRequest(RequestKind kind, ObjectNode body, List<String> models, boolean stream,
        ProviderPreferences provider, long promptTokenEstimate, Integer maxTokens, boolean usesTools,
        boolean usesResponseFormat, List<String> usedParameters) {
}
