package io.llmgateway.auth.model;

import java.math.BigDecimal;
import java.time.Instant;

/** Operator view of an account: ledger totals, derived balance and how many keys it has. */
public record AccountView(String accountId, String name, BigDecimal balance, BigDecimal totalCredits,
        BigDecimal totalUsage, long keys, Instant createdAt) {
}
