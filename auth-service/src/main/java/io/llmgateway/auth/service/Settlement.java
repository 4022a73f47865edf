package io.llmgateway.auth.service;

import java.util.List;

/** What settling a batch did to each of its debits, in the order they were given. */
public record Settlement(List<Outcome> outcomes) {

    public enum Outcome {
        /** Newly debited in this batch. */
        CHARGED,
        /** Its generation was already debited, earlier or by an entry before it in the same batch. */
        REPLAYED,
        /** Cost zero: nothing to debit. */
        FREE,
        /** The account does not exist: poison, never retried. */
        UNKNOWN_ACCOUNT
    }

    public Outcome outcome(int index) {
        return outcomes.get(index);
    }
}
