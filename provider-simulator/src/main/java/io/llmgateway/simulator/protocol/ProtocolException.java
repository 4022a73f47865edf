package io.llmgateway.simulator.protocol;

/** A request the simulated provider refuses; answered in that provider's own error shape. */
public class ProtocolException extends RuntimeException {

    private final int status;
    private final String code;

    public ProtocolException(int status, String code, String message) {
        super(message, null, false, false); // an answer, not a bug: no stack trace
        this.status = status;
        this.code = code;
    }

    public static ProtocolException invalid(String message) {
        return new ProtocolException(400, "invalid_request", message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
