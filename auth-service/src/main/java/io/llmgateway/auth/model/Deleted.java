package io.llmgateway.auth.model;

public record Deleted(boolean deleted) {
}
