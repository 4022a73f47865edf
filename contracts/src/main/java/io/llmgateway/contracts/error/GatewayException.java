package io.llmgateway.contracts.error;

import java.util.Map;

/**
 * An expected failure with an HTTP status and a message that is safe to show the caller.
 * Thrown anywhere in a service; the platform's exception mapper turns it into the error envelope.
 */
public class GatewayException extends RuntimeException {

    private final int status;
    private final transient Map<String, Object> metadata;
    private final transient Map<String, String> headers;

    public GatewayException(int status, String message) {
        this(status, message, null, null);
    }

    public GatewayException(int status, String message, Map<String, Object> metadata) {
        this(status, message, metadata, null);
    }

    public GatewayException(int status, String message, Map<String, Object> metadata, Map<String, String> headers) {
        super(message, null, false, false); // no stack trace: these are answers, not bugs
        this.status = status;
        this.metadata = metadata;
        this.headers = headers == null ? Map.of() : headers;
    }

    public int status() {
        return status;
    }

    public Map<String, Object> metadata() {
        return metadata;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public ErrorEnvelope toEnvelope() {
        return ErrorEnvelope.of(status, getMessage(), metadata);
    }

    public static GatewayException badRequest(String message) {
        return new GatewayException(400, message);
    }

    public static GatewayException unauthorized(String message) {
        return new GatewayException(401, message);
    }

    public static GatewayException forbidden(String message) {
        return new GatewayException(403, message);
    }

    public static GatewayException notFound(String message) {
        return new GatewayException(404, message);
    }
}
