package io.llmgateway.routing.upstream.protocol;

/**
 * A failed upstream answer, classified. {@code code} is the provider's error code or type
 * (e.g. {@code context_length_exceeded}); {@code message} the provider's own words.
 */
public record UpstreamError(int status, String code, String message) {

    public boolean contextLengthExceeded() {
        return has("context_length") || said("context_length_exceeded") || said("maximum context length");
    }

    /** Some protocols (Anthropic) carry no code, only words: the message is checked too. */
    public boolean contentPolicy() {
        return has("content_policy") || has("content_filter") || has("safety") || said("content_policy_violation")
                || said("content policy");
    }

    private boolean said(String fragment) {
        return message != null && message.toLowerCase().contains(fragment);
    }

    private boolean has(String fragment) {
        return code != null && code.toLowerCase().contains(fragment);
    }
}
