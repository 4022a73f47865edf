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
 * and admission need, read from the body once, and {@code echo}: the request's own settings that its
 * format's answer repeats (the Responses API's response object shows its instructions, tools, …),
 * empty for formats that repeat none; it never reaches a provider. {@code anthropicBeta} are the
 * client's Anthropic opt-ins ({@link AnthropicBeta}), empty when it named none.
 */
public record CanonicalRequest(RequestKind kind, ObjectNode body, List<String> models, boolean stream,
        ProviderPreferences provider, long promptTokenEstimate, Integer maxTokens, boolean usesTools,
        boolean usesResponseFormat, List<String> usedParameters, ObjectNode echo, List<String> anthropicBeta) {

    public CanonicalRequest(RequestKind kind, ObjectNode body, List<String> models, boolean stream,
            ProviderPreferences provider, long promptTokenEstimate, Integer maxTokens, boolean usesTools,
            boolean usesResponseFormat, List<String> usedParameters) {
        this(kind, body, models, stream, provider, promptTokenEstimate, maxTokens, usesTools, usesResponseFormat,
                usedParameters, Json.object(), List.of());
    }

    /** The same request with the settings its answer repeats. */
    public CanonicalRequest withEcho(ObjectNode settings) {
        return new CanonicalRequest(kind, body, models, stream, provider, promptTokenEstimate, maxTokens, usesTools,
                usesResponseFormat, usedParameters, settings, anthropicBeta);
    }

    /** The same request for these models (openrouter/auto's pick). */
    public CanonicalRequest withModels(List<String> chosen) {
        return new CanonicalRequest(kind, body, List.copyOf(chosen), stream, provider, promptTokenEstimate, maxTokens,
                usesTools, usesResponseFormat, usedParameters, echo, anthropicBeta);
    }

    /**
     * The same request without its body ({@code null}): what an open stream keeps once no attempt can
     * follow (models, settings, estimates, echo), without the request's JSON tree, which grows with the
     * prompt and would otherwise live as long as the stream.
     */
    public CanonicalRequest withoutBody() {
        return new CanonicalRequest(kind, null, models, stream, provider, promptTokenEstimate, maxTokens, usesTools,
                usesResponseFormat, usedParameters, echo, anthropicBeta);
    }

    /** The same request with the client's Anthropic opt-ins. */
    public CanonicalRequest withAnthropicBeta(List<String> betas) {
        return new CanonicalRequest(kind, body, models, stream, provider, promptTokenEstimate, maxTokens, usesTools,
                usesResponseFormat, usedParameters, echo, List.copyOf(betas));
    }
}
