package io.llmgateway.routing.upstream.protocol;

/** Turns the provider's SSE events into {@link StreamSink} calls. One instance per stream. */
public interface StreamDecoder {

    void onEvent(String event, String data);
}
