package io.llmgateway.routing.canonical;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Receives a provider stream translated to OpenAI chunk pieces, in order. */
public interface StreamSink {

    /** One delta of one choice; finishReason is normalised (null while the choice goes on). */
    void delta(int index, ObjectNode delta, String finishReason, String nativeFinishReason);

    void usage(TokenUsage usage);

    void meta(String upstreamId, String systemFingerprint);

    /** The provider said the stream is complete. */
    void done();

    /** The provider sent an error event or something unparsable. */
    void fail(String message);
}
