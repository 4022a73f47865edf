package io.llmgateway.auth.model;

import java.math.BigDecimal;

/** Operator: a top-up (positive) or adjustment (negative) of an account's credits. */
public record CreditRequest(BigDecimal amount, String note) {
}
