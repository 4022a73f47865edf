package io.llmgateway.simulator.model;

import java.util.List;

/** Answer of GET /sim/providers/{provider}/stats. */
public record ProviderStats(long calls, long faulted, List<RequestRecord> requests) {
}
