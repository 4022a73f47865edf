package io.llmgateway.auth.service;

/** A usage event that can never be debited (unknown account, missing fields): dead-lettered, not retried. */
public class PoisonEventException extends RuntimeException {

    public PoisonEventException(String reason) {
        super(reason, null, false, false);
    }
}
