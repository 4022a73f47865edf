package io.llmgateway.auth.model;

import java.math.BigDecimal;

/** {@code GET /api/v1/credits}: credits bought (top-ups and adjustments) and spent, from the ledger. */
public record Credits(BigDecimal totalCredits, BigDecimal totalUsage) {
}
