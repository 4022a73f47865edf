package io.llmgateway.simulator.model;

/** One call as seen by a simulated provider; {@code status} is null when no status line was sent (reset, hang). */
public record RequestRecord(long at, String path, String model, boolean stream, String fault, Integer status) {
}
