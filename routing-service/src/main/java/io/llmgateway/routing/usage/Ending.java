package io.llmgateway.routing.usage;

import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.routing.canonical.TokenUsage;
import io.llmgateway.routing.selection.Candidate;
import java.math.BigDecimal;

/**
 * How a request ended, as its usage event records it. {@code served} is the endpoint that answered
 * (null when none did); {@code estimated} says the tokens were counted by the gateway because the
 * provider reported none.
 */
public record Ending(Candidate served, TokenUsage usage, boolean estimated, BigDecimal cost, String status,
        int httpStatus, String finishReason, String nativeFinishReason, String error, String upstreamId) {

    private static final TokenUsage NONE = TokenUsage.of(0, 0, 0, 0);

    public static Ending success(Candidate c, TokenUsage u, boolean estimated, BigDecimal cost, String finish,
            String nativeFinish, String upstreamId) {
        return new Ending(c, u, estimated, cost, UsageEvent.STATUS_SUCCESS, 200, finish, nativeFinish, null,
                upstreamId);
    }

    /** Nothing was generated: no provider answered, or the client left before one did. */
    public static Ending unserved(String status, int httpStatus, String finish, String error) {
        return new Ending(null, NONE, false, BigDecimal.ZERO, status, httpStatus, finish, null, error, null);
    }
}
