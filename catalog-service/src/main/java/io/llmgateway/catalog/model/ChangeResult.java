package io.llmgateway.catalog.model;

/** Answer of an admin change: what it touched and the catalog version after it. */
public record ChangeResult(String change, String id, long version, boolean changed) {
}
