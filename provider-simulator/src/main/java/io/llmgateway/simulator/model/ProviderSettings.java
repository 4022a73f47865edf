package io.llmgateway.simulator.model;

/**
 * How one simulated provider behaves; a provider never configured uses {@link #DEFAULTS}.
 *
 * @param reasoningTokens        thinking/reasoning tokens answered when a request asks for reasoning (capped by
 *                               the request's budget)
 * @param implicitCacheMinTokens smallest repeated prefix that OpenAI-compatible and Gemini answers report as
 *                               cached (their automatic caching; Anthropic's explicit cache_control has no minimum)
 */
public record ProviderSettings(long ttftMs, double tokensPerSecond, int outputTokens, int chunkTokens,
        boolean omitUsage, FaultSettings fault, int reasoningTokens, int implicitCacheMinTokens) {

    public static final ProviderSettings DEFAULTS = new ProviderSettings(0, 0, 16, 1, false, FaultSettings.NONE, 8,
            1024);
}
