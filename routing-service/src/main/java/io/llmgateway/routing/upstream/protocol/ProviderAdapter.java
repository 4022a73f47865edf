package io.llmgateway.routing.upstream.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.Completion;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.StreamSink;
import io.llmgateway.routing.selection.Candidate;
import java.util.List;

/**
 * Translates between the canonical model (OpenRouter's chat form) and one provider wire protocol,
 * both ways: requests, answers, stream events, tool calls, usage, finish reasons and errors; and,
 * for protocols that have one, the embeddings call.
 */
public interface ProviderAdapter {

    /** The catalog's {@code adapter} value this class serves. */
    String name();

    UpstreamCall request(ObjectNode chatRequest, Candidate candidate, boolean stream, String credential);

    /**
     * The call with the client's Anthropic opt-ins ({@link io.llmgateway.routing.canonical.AnthropicBeta}),
     * for the protocol that has them; the others have no such switch and send the call as it is.
     */
    default UpstreamCall withBetas(UpstreamCall call, List<String> betas) {
        return call;
    }

    /** Throws {@link IllegalArgumentException} when the body is not a valid answer. */
    Completion response(JsonNode body);

    StreamDecoder decoder(StreamSink sink);

    UpstreamError error(int status, JsonNode body);

    /**
     * A canonical embeddings body ({@code input}, {@code dimensions}) as this protocol's call; vectors
     * are always asked for as floats (the ingress format encodes them as the client asked).
     */
    default UpstreamCall embeddingsRequest(ObjectNode embeddings, Candidate candidate, String credential) {
        throw new UnsupportedOperationException(name() + " has no embeddings call");
    }

    /**
     * This protocol's embeddings answer as a {@link Completion} whose {@code choices} are the vectors
     * in input order ({@code {"index", "embedding": [floats]}}), with the usage the provider reported.
     */
    default Completion embeddingsResponse(JsonNode body) {
        throw new UnsupportedOperationException(name() + " has no embeddings call");
    }

    /**
     * A provider's list of embeddings as the canonical choices ({@code {index, embedding}}), each
     * vector read from {@code vectorField}, at its {@code index} when the provider gives one, else in
     * list order. Throws {@link IllegalArgumentException} when the answer has no such list.
     */
    static ArrayNode vectors(JsonNode list, String vectorField) {
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException("provider answer has no embeddings");
        }
        ArrayNode vectors = Json.NODES.arrayNode();
        for (JsonNode item : list) {
            JsonNode vector = item.get(vectorField);
            if (vector == null || !vector.isArray()) {
                throw new IllegalArgumentException("embedding is not a float array");
            }
            int index = item.path("index").asInt(vectors.size()); // before the add: the list order when none is given
            vectors.addObject().put("index", index).set("embedding", vector);
        }
        return vectors;
    }

    /** {@code parallel_tool_calls: false}: at most one tool call per answer. */
    static boolean asksOneToolCall(JsonNode chatRequest) {
        JsonNode parallel = chatRequest.get("parallel_tool_calls");
        return parallel != null && parallel.isBoolean() && !parallel.asBoolean();
    }

    /**
     * Whether the protocol can be told to make at most one tool call (OpenAI's
     * {@code parallel_tool_calls}, Anthropic's {@code disable_parallel_tool_use}). Gemini has no such
     * switch, so its endpoints are not selected for a request that asks for one call.
     */
    static boolean limitsToolCalls(String adapter) {
        return !"gemini".equals(adapter);
    }

    /** Whether the catalog's protocol of that name has an embeddings call (endpoints of others are not selected). */
    static boolean servesEmbeddings(String adapter) {
        return adapter == null || adapter.equals("openai") || adapter.equals("gemini");
    }
}
