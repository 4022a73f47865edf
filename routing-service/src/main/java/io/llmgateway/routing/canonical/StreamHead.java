package io.llmgateway.routing.canonical;

/** What every answer of one request carries, known before any provider answered. */
public record StreamHead(String generationId, long created, CanonicalRequest request) {

    /**
     * The head of a request's answer. A stream's writer lives as long as the stream, so its head keeps
     * the request without its JSON tree (the writers read the settings, estimates and echo, never the body).
     */
    public static StreamHead of(String generationId, long created, CanonicalRequest request) {
        return new StreamHead(generationId, created, request.stream() ? request.withoutBody() : request);
    }

    public String requestedModel() {
        return request.models().get(0);
    }
}
