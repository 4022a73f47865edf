package io.llmgateway.contracts.internal;

import com.fasterxml.jackson.annotation.JsonFormat;
import io.llmgateway.contracts.WireRecord;
import java.math.BigDecimal;

/**
 * Prices in USD per token (per request / per image for those two), exact decimals, written as
 * strings on the wire exactly as OpenRouter does. A null price means zero.
 */
@WireRecord
public record Pricing(
        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal prompt,
        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal completion,
        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal request,
        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal image,
        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal inputCacheRead,
        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal inputCacheWrite,
        @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal internalReasoning) {

    public static BigDecimal orZero(BigDecimal price) {
        return price == null ? BigDecimal.ZERO : price;
    }
}
