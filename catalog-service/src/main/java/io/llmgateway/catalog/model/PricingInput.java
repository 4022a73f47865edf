package io.llmgateway.catalog.model;

import java.math.BigDecimal;

/**
 * Prices an operator sets, USD per token (per request / per image for those two). JSON numbers or
 * numeric strings; parsed straight to BigDecimal so nothing is rounded on the way in.
 */
public record PricingInput(BigDecimal prompt, BigDecimal completion, BigDecimal request, BigDecimal image,
        BigDecimal inputCacheRead, BigDecimal inputCacheWrite, BigDecimal internalReasoning) {
}
