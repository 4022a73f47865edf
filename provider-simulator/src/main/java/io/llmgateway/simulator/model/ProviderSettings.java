package io.llmgateway.simulator.model;

/** How one simulated provider behaves; a provider never configured uses {@link #DEFAULTS}. */
public record ProviderSettings(long ttftMs, double tokensPerSecond, int outputTokens, int chunkTokens,
        boolean omitUsage, FaultSettings fault) {

    public static final ProviderSettings DEFAULTS = new ProviderSettings(0, 0, 16, 1, false, FaultSettings.NONE);
}
