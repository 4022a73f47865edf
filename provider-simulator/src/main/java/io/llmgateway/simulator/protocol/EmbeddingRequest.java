package io.llmgateway.simulator.protocol;

import java.util.List;
import java.util.Locale;

/**
 * A parsed embeddings request, whatever the protocol.
 *
 * @param model            the requested model, echoed in the answer
 * @param inputs           one entry per vector to return, in order
 * @param nativeDimensions the model's full vector width; a shorter one asked for is its prefix renormalised
 * @param base64           OpenAI encoding_format base64
 * @param batch            Gemini batchEmbedContents (answered as a list even for one request)
 * @param promptTokens     jtokkit count of all inputs
 */
public record EmbeddingRequest(String model, List<Input> inputs, int nativeDimensions, boolean base64,
        boolean batch, int promptTokens) {

    /** One text (or token array) to embed: {@code key} is what the vector is derived from, at that width. */
    public record Input(String key, int tokens, int dimensions) {
    }

    /** Full width of a model's vectors: the real model's where known, else 1536. */
    public static int nativeDimensions(String model) {
        String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
        if (m.contains("text-embedding-3-large") || m.contains("gemini-embedding")) {
            return 3072;
        }
        if (m.contains("text-embedding-004") || m.contains("text-embedding-005") || m.endsWith("embedding-001")) {
            return 768;
        }
        return 1536;
    }
}
