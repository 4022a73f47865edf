package io.llmgateway.metering.model;

/** Who is asking: the account every query is scoped to, and whether the key may read account-wide data. */
public record Caller(String accountId, String keyHash, boolean management) {
}
