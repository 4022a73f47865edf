package io.llmgateway.auth.model;

/** OpenRouter wraps answers in {@code {"data": ...}}. */
public record Data<T>(T data) {
}
