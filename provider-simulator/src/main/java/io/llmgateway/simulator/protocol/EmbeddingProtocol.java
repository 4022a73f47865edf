package io.llmgateway.simulator.protocol;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** One provider's embeddings endpoint: how to read a request and write its answer. */
public interface EmbeddingProtocol {

    /**
     * @param pathModel model named in the URL (Gemini), else null
     * @param batch     Gemini batchEmbedContents
     */
    EmbeddingRequest parse(JsonObject body, String pathModel, boolean batch);

    /** @param vectors one unit vector per input, of the requested width */
    String body(EmbeddingRequest request, List<float[]> vectors, boolean omitUsage);
}
