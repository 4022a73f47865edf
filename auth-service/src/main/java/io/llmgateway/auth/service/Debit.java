package io.llmgateway.auth.service;

import io.llmgateway.contracts.events.UsageEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * One usage event to charge, with the traceparent its key events should carry (the span of the stream
 * entry it came from; empty for none).
 */
public record Debit(UsageEvent event, String traceparent) {

    private static final BigDecimal MICROS = BigDecimal.valueOf(1_000_000);

    /** The ledger amount: the exact cost at the ledger's scale, rounded up so the gateway never undercharges. */
    public BigDecimal cost() {
        return event.cost().setScale(9, RoundingMode.UP);
    }

    /** Micro-dollars routing reserved for this generation: its own figure, or the cost rounded up. */
    public long micros() {
        return event.costMicros() > 0 ? event.costMicros()
                : cost().multiply(MICROS).setScale(0, RoundingMode.UP).longValueExact();
    }

    public boolean chargeable() {
        return event.cost().signum() > 0;
    }
}
