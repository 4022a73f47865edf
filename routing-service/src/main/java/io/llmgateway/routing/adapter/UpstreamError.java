package io.llmgateway.routing.adapter;

/**
 * A failed upstream answer, classified. {@code code} is the provider's error code or type
 * (e.g. {@code context_length_exceeded}); {@code message} the provider's own words.
 */
public record UpstreamError(int status, String code, String message) {

    public boolean contextLengthExceeded() {
        return has("context_length") || (message != null && message.toLowerCase().contains("context length"));
    }

    public boolean contentPolicy() {
        return has("content_policy") || has("content_filter") || has("safety");
    }

    private boolean has(String fragment) {
        return code != null && code.toLowerCase().contains(fragment);
    }
}
