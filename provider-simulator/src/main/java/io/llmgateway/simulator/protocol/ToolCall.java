package io.llmgateway.simulator.protocol;

import io.vertx.core.json.JsonObject;

/** The tool the simulated model calls, with arguments generated from the tool's JSON schema. */
public record ToolCall(String name, JsonObject arguments) {

    public String argumentsJson() {
        return arguments.encode();
    }
}
