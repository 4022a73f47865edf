package io.llmgateway.simulator;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Splits an SSE body into its events, as a client would read them. */
final class Sse {

    record Event(String event, String data) {
        JsonObject json() {
            return new JsonObject(data);
        }
    }

    private Sse() {
    }

    static List<Event> parse(String body) {
        List<Event> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String event = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
            if (event != null || !data.isEmpty()) {
                out.add(new Event(event, data.toString()));
            }
        }
        return out;
    }
}
