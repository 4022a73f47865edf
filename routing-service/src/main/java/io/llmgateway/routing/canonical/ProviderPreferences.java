package io.llmgateway.routing.canonical;

import java.math.BigDecimal;
import java.util.List;

/** The request's {@code provider} object (OpenRouter ProviderPreferences). */
public record ProviderPreferences(List<String> order, boolean allowFallbacks, List<String> only, List<String> ignore,
        String sort, boolean requireParameters, String dataCollection, List<String> quantizations,
        BigDecimal maxPromptPrice, BigDecimal maxCompletionPrice) {

    public static final ProviderPreferences DEFAULT = new ProviderPreferences(null, true, null, null, null, false,
            null, null, null, null);
}
