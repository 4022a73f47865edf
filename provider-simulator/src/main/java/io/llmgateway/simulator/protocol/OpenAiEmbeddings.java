package io.llmgateway.simulator.protocol;

import io.llmgateway.simulator.service.TokenCounter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** OpenAI POST /v1/embeddings: input as a string, strings, a token array or token arrays. */
@ApplicationScoped
public class OpenAiEmbeddings implements EmbeddingProtocol {

    /** OpenAI's limits: tokens per input and inputs per request. */
    static final int MAX_INPUT_TOKENS = 8192;
    static final int MAX_INPUTS = 2048;

    @Override
    public EmbeddingRequest parse(JsonObject body, String pathModel, boolean batch) {
        String model = Json.string(body, "model", true);
        int nativeDimensions = EmbeddingRequest.nativeDimensions(model);
        Integer asked = Json.positiveInt(body, "dimensions");
        if (asked != null && model.contains("ada-002")) {
            throw ProtocolException.invalid("This model does not support specifying dimensions.");
        }
        if (asked != null && asked > nativeDimensions) {
            throw ProtocolException.invalid("dimensions must be at most " + nativeDimensions + " for " + model);
        }
        int dimensions = asked == null ? nativeDimensions : asked;
        String format = Json.string(body, "encoding_format", false);
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw ProtocolException.invalid("encoding_format must be 'float' or 'base64', got '" + format + "'");
        }
        List<EmbeddingRequest.Input> inputs = inputs(body.getValue("input"), dimensions);
        int tokens = 0;
        for (EmbeddingRequest.Input input : inputs) {
            if (input.tokens() > MAX_INPUT_TOKENS) {
                throw new ProtocolException(400, "context_length_exceeded", "This model's maximum context length is "
                        + MAX_INPUT_TOKENS + " tokens, however you requested " + input.tokens() + " tokens ("
                        + input.tokens() + " in your prompt; 0 for the completion). Please reduce your prompt.");
            }
            tokens += input.tokens();
        }
        return new EmbeddingRequest(model, inputs, nativeDimensions, "base64".equals(format), false, tokens);
    }

    private static List<EmbeddingRequest.Input> inputs(Object input, int dimensions) {
        if (input == null) {
            throw ProtocolException.invalid("input is required");
        }
        List<EmbeddingRequest.Input> out = new ArrayList<>();
        if (input instanceof String text) {
            out.add(text(text, dimensions));
        } else if (input instanceof JsonArray items && !items.isEmpty()) {
            if (items.size() > MAX_INPUTS) {
                throw ProtocolException.invalid("input must have at most " + MAX_INPUTS + " items");
            }
            if (items.getValue(0) instanceof Number) {
                out.add(tokens(items, dimensions)); // one token array
            } else {
                for (Object item : items) {
                    if (item instanceof String text) {
                        out.add(text(text, dimensions));
                    } else if (item instanceof JsonArray ids && !ids.isEmpty()) {
                        out.add(tokens(ids, dimensions));
                    } else {
                        throw invalidInput();
                    }
                }
            }
        } else {
            throw invalidInput();
        }
        return out;
    }

    private static EmbeddingRequest.Input text(String text, int dimensions) {
        if (text.isEmpty()) {
            throw invalidInput();
        }
        return new EmbeddingRequest.Input("text:" + text, TokenCounter.count(text), dimensions);
    }

    private static EmbeddingRequest.Input tokens(JsonArray ids, int dimensions) {
        StringBuilder key = new StringBuilder("tokens:");
        for (Object id : ids) {
            if (!(id instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 0) {
                throw invalidInput();
            }
            key.append(n.longValue()).append(',');
        }
        return new EmbeddingRequest.Input(key.toString(), ids.size(), dimensions);
    }

    private static ProtocolException invalidInput() {
        return ProtocolException.invalid("input must be a non-empty string, an array of non-empty strings, an array"
                + " of token ids or an array of non-empty token arrays");
    }

    @Override
    public String body(EmbeddingRequest request, List<float[]> vectors, boolean omitUsage) {
        StringBuilder out = new StringBuilder(64 + vectors.size() * 16 * vectors.get(0).length);
        out.append("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < vectors.size(); i++) {
            out.append(i == 0 ? "" : ",").append("{\"object\":\"embedding\",\"index\":").append(i)
                    .append(",\"embedding\":");
            if (request.base64()) {
                out.append('"').append(base64(vectors.get(i))).append('"');
            } else {
                floats(out, vectors.get(i));
            }
            out.append('}');
        }
        out.append("],\"model\":").append(Json.encode(request.model()));
        if (!omitUsage) {
            out.append(",\"usage\":{\"prompt_tokens\":").append(request.promptTokens()).append(",\"total_tokens\":")
                    .append(request.promptTokens()).append('}');
        }
        return out.append('}').toString();
    }

    /** Little-endian float32 bytes, base64: what OpenAI sends for encoding_format base64. */
    static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vector) {
            bytes.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    /** A JSON array of numbers, written directly: a 3072-wide vector as a JsonArray would box every value. */
    static void floats(StringBuilder out, float[] vector) {
        out.append('[');
        for (int i = 0; i < vector.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(vector[i]);
        }
        out.append(']');
    }
}
