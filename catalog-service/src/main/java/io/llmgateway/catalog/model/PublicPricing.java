package io.llmgateway.catalog.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Prices in USD per token as plain decimal strings ("0.00000015"); cache and reasoning prices only when set. */
public record PublicPricing(String prompt, String completion, String request, String image,
        @JsonInclude(JsonInclude.Include.NON_NULL) String inputCacheRead,
        @JsonInclude(JsonInclude.Include.NON_NULL) String inputCacheWrite,
        @JsonInclude(JsonInclude.Include.NON_NULL) String internalReasoning) {
}
