package io.llmgateway.catalog.model;

/** Answer of {@code POST /admin/import}: rows created or updated from the seed file, and the version. */
public record ImportResult(int providers, int models, int endpoints, int created, int updated, long version) {
}
