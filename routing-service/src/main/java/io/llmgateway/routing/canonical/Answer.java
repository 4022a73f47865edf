package io.llmgateway.routing.canonical;

import java.math.BigDecimal;

/** A whole answer in canonical form, with what the gateway adds to it (ids, the model served, usage and cost). */
public record Answer(StreamHead head, String provider, String model, Completion completion, TokenUsage usage,
        BigDecimal cost) {
}
