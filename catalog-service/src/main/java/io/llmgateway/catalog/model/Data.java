package io.llmgateway.catalog.model;

/** OpenRouter's response wrapper: {@code {"data": ...}}. */
public record Data<T>(T data) {
}
