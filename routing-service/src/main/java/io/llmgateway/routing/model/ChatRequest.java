package io.llmgateway.routing.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A validated request. {@code body} is the client's JSON in OpenAI chat form (legacy completions are
 * converted on entry), parsed once and handed to the adapters.
 */
public record ChatRequest(ObjectNode body, List<String> models, boolean stream, boolean legacyCompletion,
        ProviderPreferences provider, long promptTokenEstimate, Integer maxTokens, boolean usesTools,
        boolean usesResponseFormat, List<String> usedParameters) {
}
