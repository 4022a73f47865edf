package io.llmgateway.auth.model;

import java.math.BigDecimal;

/**
 * A key's spend in USD as both OpenRouter key objects ({@code /key}, {@code /keys}) show it: the key's
 * own usage per period, then the same for BYOK usage (none here: always zero, but present). Views
 * unwrap it, so its fields stand at the top level of the key object.
 */
public record KeySpend(
        BigDecimal usage,
        BigDecimal usageDaily,
        BigDecimal usageWeekly,
        BigDecimal usageMonthly,
        BigDecimal byokUsage,
        BigDecimal byokUsageDaily,
        BigDecimal byokUsageWeekly,
        BigDecimal byokUsageMonthly) {

    public static KeySpend withoutByok(BigDecimal total, BigDecimal daily, BigDecimal weekly, BigDecimal monthly) {
        return new KeySpend(total, daily, weekly, monthly, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
                BigDecimal.ZERO);
    }
}
