package io.llmgateway.catalog.model;

/** Body of {@code GET /api/v1/models/count}: {@code {"data": {"count": n}}}. */
public record Count(long count) {
}
