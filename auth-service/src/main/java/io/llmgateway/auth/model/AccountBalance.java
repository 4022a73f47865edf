package io.llmgateway.auth.model;

import java.math.BigDecimal;

public record AccountBalance(String accountId, BigDecimal balance) {
}
