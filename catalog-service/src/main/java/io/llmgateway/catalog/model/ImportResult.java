package io.llmgateway.catalog.model;

/**
 * Answer of {@code POST /admin/import}: what the seed file lists, rows created, updated and removed (seed
 * rows the file no longer lists), and the catalog version after the import.
 */
public record ImportResult(int providers, int models, int endpoints, int created, int updated, int removed,
        long version) {
}
