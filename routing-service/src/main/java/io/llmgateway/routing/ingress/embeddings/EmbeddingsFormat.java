package io.llmgateway.routing.ingress.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.canonical.Answer;
import io.llmgateway.routing.canonical.CanonicalRequest;
import io.llmgateway.routing.canonical.IngressFormat;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.RequestKind;
import io.llmgateway.routing.canonical.StreamHead;
import io.llmgateway.routing.canonical.StreamWriter;
import io.llmgateway.routing.ingress.chat.ChatRequestParser;
import io.llmgateway.routing.usage.Tokens;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /api/v1/embeddings}: OpenAI's embeddings API as OpenRouter serves it. The request
 * stays in OpenAI's embeddings form as the canonical body ({@link RequestKind#EMBEDDINGS}); each
 * upstream protocol that has an embeddings call translates it. Vectors are always asked for as
 * floats and encoded here as the client asked ({@code base64}: little-endian float32, as OpenAI).
 */
@Singleton
public class EmbeddingsFormat implements IngressFormat {

    private static final Set<String> FIELDS = Set.of("model", "models", "provider", "input", "dimensions",
            "encoding_format", "user");

    @Override
    public String operation() {
        return "embeddings";
    }

    @Override
    public CanonicalRequest parse(Buffer raw, MultiMap headers) {
        ObjectNode body = ChatRequestParser.readObject(raw);
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (field.equals("stream")) {
                throw GatewayException.badRequest("'stream' is not supported for embeddings");
            }
            if (!FIELDS.contains(field)) {
                throw GatewayException.badRequest("Unknown field '" + field + "' for embeddings");
            }
        }
        List<String> models = ChatRequestParser.models(body);
        checkInput(body.get("input"));
        JsonNode dimensions = body.get("dimensions");
        if (dimensions != null && !dimensions.isNull() && (!dimensions.isIntegralNumber() || dimensions.asLong() < 1)) {
            throw GatewayException.badRequest("'dimensions' must be a positive integer");
        }
        JsonNode encoding = body.get("encoding_format");
        if (encoding != null && !encoding.isNull() && !Set.of("float", "base64").contains(encoding.asText(""))) {
            throw GatewayException.badRequest("'encoding_format' must be float or base64");
        }
        JsonNode user = body.get("user");
        if (user != null && !user.isNull() && !user.isTextual()) {
            throw GatewayException.badRequest("Wrong type for 'user': expected a string");
        }
        return new CanonicalRequest(RequestKind.EMBEDDINGS, body, models, false,
                ChatRequestParser.provider(body.get("provider")), Tokens.prompt(body), 0, false, false, List.of());
    }

    /** A string, an array of strings, an array of token ids, or an array of token-id arrays; none empty. */
    private static void checkInput(JsonNode input) {
        if (input == null || input.isNull()) {
            throw GatewayException.badRequest("'input' is required");
        }
        if (input.isTextual()) {
            if (input.asText().isEmpty()) {
                throw GatewayException.badRequest("'input' must not be empty");
            }
            return;
        }
        if (!input.isArray()) {
            throw GatewayException.badRequest("Wrong type for 'input': expected a string or an array");
        }
        if (input.isEmpty()) {
            throw GatewayException.badRequest("'input' must not be empty");
        }
        JsonNode first = input.get(0);
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            boolean ok = first.isIntegralNumber() ? item.isIntegralNumber()
                    : first.isTextual() ? item.isTextual() && !item.asText().isEmpty()
                            : first.isArray() && item.isArray() && !item.isEmpty() && allTokens(item);
            if (!ok) {
                throw GatewayException.badRequest("Wrong type for 'input[" + i + "]': every item must be a non-empty"
                        + " string, or every item a token id, or every item a non-empty array of token ids");
            }
        }
    }

    private static boolean allTokens(JsonNode array) {
        for (JsonNode t : array) {
            if (!t.isIntegralNumber()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Buffer answer(Answer a) {
        boolean base64 = "base64".equals(Json.text(a.head().request().body(), "encoding_format"));
        ObjectNode out = Json.object();
        out.put("id", a.head().generationId());
        out.put("object", "list");
        out.put("model", a.model());
        out.put("provider", a.provider());
        ArrayNode data = out.putArray("data");
        for (JsonNode v : a.completion().choices()) {
            ObjectNode item = data.addObject().put("object", "embedding").put("index", v.path("index").asInt());
            if (base64) {
                item.put("embedding", base64(v.get("embedding")));
            } else {
                item.set("embedding", v.get("embedding"));
            }
        }
        ObjectNode usage = out.putObject("usage");
        usage.put("prompt_tokens", a.usage().prompt);
        usage.put("total_tokens", a.usage().prompt);
        usage.put("cost", a.cost());
        return Json.buffer(out);
    }

    private static String base64(JsonNode vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        vector.forEach(x -> bytes.putFloat(x.floatValue()));
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    /** Never called: embeddings refuse {@code stream} when parsed. */
    @Override
    public StreamWriter streamWriter(StreamHead head) {
        throw new IllegalStateException("embeddings are not streamed");
    }
}
