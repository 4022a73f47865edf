package io.llmgateway.routing.canonical;

import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * A whole (non-streamed) answer translated to OpenAI shape: {@code choices} holds OpenAI choice
 * objects with normalised {@code finish_reason} and {@code native_finish_reason} already set.
 */
public record Completion(ArrayNode choices, TokenUsage usage, String upstreamId, String systemFingerprint,
        String finishReason, String nativeFinishReason) {
}
