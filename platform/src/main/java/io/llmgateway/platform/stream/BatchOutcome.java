package io.llmgateway.platform.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * The fate of a batch's entries, as its handler decided: done (acknowledged), dead-lettered with a reason
 * (then acknowledged), or left pending to be delivered again. Filled by one thread at a time.
 */
public final class BatchOutcome {

    enum Kind { DONE, DEAD_LETTER, RETRY }

    /**
     * @param code   short, bounded metric tag of a dead letter
     * @param reason the dead letter's reason; for a retry, what was not done ("not debited")
     * @param why    for a retry, what went wrong, safe to store (never quotes the entry)
     * @param outage a retry caused by the infrastructure, never counted towards the delivery cap
     */
    record Decision(StreamEntry entry, Kind kind, String code, String reason, String why, Throwable cause,
            boolean outage) {
    }

    private final List<Decision> decisions = new ArrayList<>();

    /** Finished with: acknowledged. */
    public BatchOutcome done(StreamEntry entry) {
        decisions.add(new Decision(entry, Kind.DONE, null, null, null, null, false));
        return this;
    }

    /** Can never be processed: copied to the dead-letter stream with {@code reason}, then acknowledged. */
    public BatchOutcome deadLetter(StreamEntry entry, String reason, Throwable cause) {
        return deadLetter(entry, reasonCode(reason), reason, cause);
    }

    /** As {@link #deadLetter(StreamEntry, String, Throwable)} with an explicit metric tag. */
    public BatchOutcome deadLetter(StreamEntry entry, String code, String reason, Throwable cause) {
        decisions.add(new Decision(entry, Kind.DEAD_LETTER, code, reason, null, cause, false));
        return this;
    }

    /**
     * Not processed this time: left pending and delivered again after the claim idle time. Unless
     * {@code outage}, the delivery counts towards the group's cap, after which the entry is dead-lettered
     * with the reason {@code "<what> after <n> deliveries: <why>"}.
     */
    public BatchOutcome retry(StreamEntry entry, String what, String why, Throwable cause, boolean outage) {
        decisions.add(new Decision(entry, Kind.RETRY, null, what, why, cause, outage));
        return this;
    }

    List<Decision> decisions() {
        return decisions;
    }

    /** A short, bounded metric tag for a free-text reason ("invalid JSON: ..." becomes "invalid_json"). */
    static String reasonCode(String reason) {
        String head = reason.split("[:'(]")[0].trim().toLowerCase();
        return head.isEmpty() ? "other" : head.replaceAll("[^a-z0-9]+", "_");
    }
}
