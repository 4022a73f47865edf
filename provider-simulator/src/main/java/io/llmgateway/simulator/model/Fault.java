package io.llmgateway.simulator.model;

/**
 * A parsed fault string. Parsed once at PUT time so the hot path never looks at strings.
 *
 * @param kind      what happens to the call
 * @param status    HTTP status for {@link Kind#STATUS}
 * @param errorCode provider error code for {@link Kind#STATUS} (may be null)
 * @param n         chunk count or chunk number for cut/stall/malformed
 * @param ms        delay for slow-first-token and stall
 * @param text      the original fault string, echoed in stats
 */
public record Fault(Kind kind, int status, String errorCode, int n, long ms, String text) {

    public enum Kind { NONE, STATUS, RESET, HANG, SLOW_FIRST_TOKEN, CUT_AFTER, STALL_AFTER, MALFORMED_AT, NO_DONE }

    public static final Fault NONE = new Fault(Kind.NONE, 0, null, 0, 0, "none");
}
