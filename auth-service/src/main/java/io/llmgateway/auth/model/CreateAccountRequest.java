package io.llmgateway.auth.model;

import java.math.BigDecimal;

/** Operator: a new account with its initial credits (a decimal string or number, USD). */
public record CreateAccountRequest(String name, BigDecimal credits) {
}
