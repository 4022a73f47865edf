package io.llmgateway.simulator.service;

import io.llmgateway.simulator.protocol.EmbeddingRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic embedding vectors: the model and the input seed a generator that draws the model's full-width
 * vector; a smaller {@code dimensions} keeps its prefix, renormalised (how OpenAI's text-embedding-3 and
 * Gemini's embeddings shorten). Same model and input, same vector, on every provider and run.
 */
public final class EmbeddingVectors {

    private EmbeddingVectors() {
    }

    public static List<float[]> of(EmbeddingRequest request) {
        List<float[]> out = new ArrayList<>(request.inputs().size());
        for (EmbeddingRequest.Input input : request.inputs()) {
            out.add(vector(request.model(), input.key(), request.nativeDimensions(), input.dimensions()));
        }
        return out;
    }

    static float[] vector(String model, String input, int nativeDimensions, int dimensions) {
        SplittableRandom random = new SplittableRandom(seed(model + "\n" + input));
        double[] full = new double[nativeDimensions];
        for (int i = 0; i < full.length; i++) {
            full[i] = random.nextDouble(-1.0, 1.0);
        }
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            norm += full[i] * full[i];
        }
        norm = Math.sqrt(norm);
        float[] out = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            out[i] = (float) (full[i] / norm);
        }
        return out;
    }

    private static long seed(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(hash).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
