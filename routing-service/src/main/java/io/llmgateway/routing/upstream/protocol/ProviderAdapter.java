package io.llmgateway.routing.upstream.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.Completion;
import io.llmgateway.routing.canonical.StreamSink;
import io.llmgateway.routing.selection.Candidate;

/**
 * Translates between the OpenAI chat format (our public API) and one provider wire protocol, both
 * ways: requests, answers, stream events, tool calls, usage, finish reasons and errors.
 */
public interface ProviderAdapter {

    /** The catalog's {@code adapter} value this class serves. */
    String name();

    UpstreamCall request(ObjectNode chatRequest, Candidate candidate, boolean stream, String credential);

    /** Throws {@link IllegalArgumentException} when the body is not a valid answer. */
    Completion response(JsonNode body);

    StreamDecoder decoder(StreamSink sink);

    UpstreamError error(int status, JsonNode body);
}
