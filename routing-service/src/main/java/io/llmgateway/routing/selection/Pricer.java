package io.llmgateway.routing.selection;

import io.llmgateway.contracts.internal.Pricing;
import io.llmgateway.routing.canonical.TokenUsage;
import java.math.BigDecimal;

/** Exact USD cost from endpoint prices (BigDecimal all the way). */
public final class Pricer {

    private Pricer() {
    }

    public static BigDecimal cost(Candidate c, TokenUsage u) {
        Pricing p = c.endpoint().pricing();
        if (p == null) {
            return BigDecimal.ZERO;
        }
        long cached = Math.min(u.cached, u.prompt);
        BigDecimal cacheRead = p.inputCacheRead() != null ? p.inputCacheRead() : Pricing.orZero(p.prompt());
        return Pricing.orZero(p.prompt()).multiply(BigDecimal.valueOf(u.prompt - cached))
                .add(cacheRead.multiply(BigDecimal.valueOf(cached)))
                .add(Pricing.orZero(p.completion()).multiply(BigDecimal.valueOf(u.completion)))
                .add(Pricing.orZero(p.request()))
                .stripTrailingZeros();
    }

    /** Expected cost for admission: estimated prompt plus min(max_tokens, typical) completion tokens. */
    public static BigDecimal expected(Candidate c, long promptTokens, Integer maxTokens, int typicalCompletion) {
        long completion = maxTokens == null ? typicalCompletion : Math.min(maxTokens, typicalCompletion);
        return cost(c, TokenUsage.of(promptTokens, completion, 0, 0));
    }
}
