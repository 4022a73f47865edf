package io.llmgateway.catalog.model;

/** A model's own links (OpenRouter schema {@code ModelLinks}): where its endpoints are listed. */
public record ModelLinks(String details) {
}
