package io.llmgateway.catalog.model;

/** p50/p75/p90/p99 of a metric over the last 30 minutes (latency in ms, throughput in tokens/s). */
public record Percentiles(Double p50, Double p75, Double p90, Double p99) {
}
