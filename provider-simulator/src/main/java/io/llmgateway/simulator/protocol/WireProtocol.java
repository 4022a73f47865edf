package io.llmgateway.simulator.protocol;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** One provider wire format: how to read a request and how to write answers, streams and errors. */
public interface WireProtocol {

    /** @param pathModel model named in the URL (Gemini), else null */
    SimRequest parse(JsonObject body, String pathModel, boolean pathStream, boolean legacy);

    String body(SimRequest request, Completion completion);

    /** The stream in order; the last event is the end marker that a {@code no-done} fault leaves out. */
    List<SseEvent> events(SimRequest request, Completion completion);

    String errorBody(int status, String code, String message);
}
