package io.llmgateway.routing.canonical;

/**
 * What every format's stream writer keeps: the request's head, and the provider and model that
 * serve the stream once one answered. The provider's own id is not shown (the answer's id is the
 * generation id; the provider's is on the generation record), unless a format overrides {@link #meta}.
 */
public abstract class ServedStreamWriter implements StreamWriter {

    protected final StreamHead head;
    protected String provider;
    private String model;

    protected ServedStreamWriter(StreamHead head) {
        this.head = head;
    }

    @Override
    public void begin(String provider, String model) {
        this.provider = provider;
        this.model = model;
    }

    @Override
    public void meta(String upstreamId, String systemFingerprint) {
        // see the class comment
    }

    /** The model serving the stream, or the one asked for before any provider answered. */
    protected String model() {
        return model == null ? head.requestedModel() : model;
    }
}
