package io.llmgateway.simulator.protocol;

import io.llmgateway.simulator.service.TokenCounter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** Gemini models/{model}:embedContent and :batchEmbedContents. */
@ApplicationScoped
public class GeminiEmbeddings implements EmbeddingProtocol {

    @Override
    public EmbeddingRequest parse(JsonObject body, String pathModel, boolean batch) {
        int nativeDimensions = EmbeddingRequest.nativeDimensions(pathModel);
        List<EmbeddingRequest.Input> inputs = new ArrayList<>();
        if (batch) {
            JsonArray requests = Json.array(body, "requests", true);
            if (requests.isEmpty()) {
                throw ProtocolException.invalid("* BatchEmbedContentsRequest.requests: at least one request is required");
            }
            for (Object r : requests) {
                if (!(r instanceof JsonObject request)) {
                    throw ProtocolException.invalid("requests: each request must be an object");
                }
                inputs.add(input(request, nativeDimensions));
            }
        } else {
            inputs.add(input(body, nativeDimensions));
        }
        int tokens = inputs.stream().mapToInt(EmbeddingRequest.Input::tokens).sum();
        return new EmbeddingRequest(pathModel, inputs, nativeDimensions, false, batch, tokens);
    }

    private static EmbeddingRequest.Input input(JsonObject request, int nativeDimensions) {
        JsonObject content = Json.object(request, "content");
        if (content == null || !(content.getValue("parts") instanceof JsonArray parts) || parts.isEmpty()) {
            throw ProtocolException.invalid("* EmbedContentRequest.content: content is not specified");
        }
        StringBuilder text = new StringBuilder();
        int tokens = 0;
        for (Object p : parts) {
            if (p instanceof JsonObject part && part.getValue("text") instanceof String t) {
                text.append(t).append('\n');
                tokens += TokenCounter.count(t);
            }
        }
        Integer asked = Json.min(Json.positiveInt(request, "outputDimensionality"),
                Json.positiveInt(request, "output_dimensionality"));
        if (asked != null && asked > nativeDimensions) {
            throw ProtocolException.invalid("outputDimensionality must be at most " + nativeDimensions);
        }
        return new EmbeddingRequest.Input("text:" + text, tokens, asked == null ? nativeDimensions : asked);
    }

    /**
     * {@code {"embedding":{"values":[...]}}} or {@code {"embeddings":[...]}}. Gemini's reference lists no usage
     * for embeddings; the simulator adds {@code usageMetadata} (prompt and total tokens) so that billing can be
     * checked, and {@code omit_usage} plays the bare documented answer.
     */
    @Override
    public String body(EmbeddingRequest request, List<float[]> vectors, boolean omitUsage) {
        StringBuilder out = new StringBuilder(64 + vectors.size() * 16 * vectors.get(0).length);
        boolean batch = request.batch();
        out.append(batch ? "{\"embeddings\":[" : "{\"embedding\":");
        for (int i = 0; i < vectors.size(); i++) {
            out.append(i == 0 ? "{\"values\":" : ",{\"values\":");
            OpenAiEmbeddings.floats(out, vectors.get(i));
            out.append('}');
        }
        out.append(batch ? "]" : "");
        if (!omitUsage) {
            out.append(",\"usageMetadata\":{\"promptTokenCount\":").append(request.promptTokens())
                    .append(",\"totalTokenCount\":").append(request.promptTokens()).append('}');
        }
        return out.append('}').toString();
    }
}
