package io.llmgateway.routing.upstream.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.Completion;
import io.llmgateway.routing.canonical.StreamSink;
import io.llmgateway.routing.selection.Candidate;

/**
 * Translates between the canonical model (OpenRouter's chat form) and one provider wire protocol,
 * both ways: requests, answers, stream events, tool calls, usage, finish reasons and errors; and,
 * for protocols that have one, the embeddings call.
 */
public interface ProviderAdapter {

    /** The catalog's {@code adapter} value this class serves. */
    String name();

    UpstreamCall request(ObjectNode chatRequest, Candidate candidate, boolean stream, String credential);

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

    /** Whether the catalog's protocol of that name has an embeddings call (endpoints of others are not selected). */
    static boolean servesEmbeddings(String adapter) {
        return adapter == null || adapter.equals("openai") || adapter.equals("gemini");
    }
}
