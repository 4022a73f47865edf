package io.llmgateway.catalog.model;

/** Where the model's endpoints are listed. */
public record Links(String details) {
}
