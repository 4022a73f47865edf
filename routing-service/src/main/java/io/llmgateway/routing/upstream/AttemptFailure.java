package io.llmgateway.routing.upstream;

import io.llmgateway.routing.upstream.protocol.UpstreamError;

/** Why one upstream attempt failed, classified for the retry/fail-over decision. */
public class AttemptFailure extends RuntimeException {

    public final int status;
    public final UpstreamError error;
    public final long retryAfterMs;
    public final boolean timeout;

    public AttemptFailure(int status, UpstreamError error, long retryAfterMs, boolean timeout, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.retryAfterMs = retryAfterMs;
        this.timeout = timeout;
    }

    /** 429, 5xx, 408, timeouts and connection errors (status 0) may succeed when tried again. */
    public boolean retryable() {
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }

    /** 4xx the client caused: never retried, never held against the endpoint. */
    public boolean clientFault() {
        return status >= 400 && status < 500 && status != 401 && status != 402 && status != 403 && status != 408
                && status != 429 || (error != null && (error.contentPolicy() || error.contextLengthExceeded()));
    }
}
