package io.llmgateway.routing.canonical;

/** What every answer of one request carries, known before any provider answered. */
public record StreamHead(String generationId, long created, CanonicalRequest request) {

    public String requestedModel() {
        return request.models().get(0);
    }
}
