package io.llmgateway.routing.selection;

import io.llmgateway.contracts.internal.Pricing;
import io.llmgateway.routing.canonical.TokenUsage;
import java.math.BigDecimal;

/**
 * Exact USD cost from endpoint prices (BigDecimal all the way): prompt tokens read from the cache at
 * {@code input_cache_read}, those written to it at {@code input_cache_write}, the rest at
 * {@code prompt}; reasoning tokens at {@code internal_reasoning}, the rest of the completion at
 * {@code completion}. A missing cache or reasoning price falls back to the plain one.
 */
public final class Pricer {

    private Pricer() {
    }

    public static BigDecimal cost(Candidate c, TokenUsage u) {
        Pricing p = c.endpoint().pricing();
        if (p == null) {
            return BigDecimal.ZERO;
        }
        BigDecimal prompt = Pricing.orZero(p.prompt());
        BigDecimal completion = Pricing.orZero(p.completion());
        long cached = Math.min(u.cached, u.prompt);
        long written = Math.min(u.cacheWrite, u.prompt - cached);
        long reasoning = Math.min(u.reasoning, u.completion);
        return prompt.multiply(BigDecimal.valueOf(u.prompt - cached - written))
                .add(or(p.inputCacheRead(), prompt).multiply(BigDecimal.valueOf(cached)))
                .add(or(p.inputCacheWrite(), prompt).multiply(BigDecimal.valueOf(written)))
                .add(completion.multiply(BigDecimal.valueOf(u.completion - reasoning)))
                .add(or(p.internalReasoning(), completion).multiply(BigDecimal.valueOf(reasoning)))
                .add(Pricing.orZero(p.request()))
                .stripTrailingZeros();
    }

    private static BigDecimal or(BigDecimal price, BigDecimal fallback) {
        return price != null ? price : fallback;
    }

    /** Expected cost for admission: estimated prompt plus min(max_tokens, typical) completion tokens. */
    public static BigDecimal expected(Candidate c, long promptTokens, Integer maxTokens, int typicalCompletion) {
        long completion = maxTokens == null ? typicalCompletion : Math.min(maxTokens, typicalCompletion);
        return cost(c, TokenUsage.of(promptTokens, completion, 0, 0));
    }
}
