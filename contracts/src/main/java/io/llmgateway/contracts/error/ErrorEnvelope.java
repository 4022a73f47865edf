package io.llmgateway.contracts.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The OpenRouter error body: {@code {"error": {"code": 400, "message": "...", "metadata": {...}}}}.
 * Every service answers every failure with this shape, so clients parse one format.
 */
public record ErrorEnvelope(Body error) {

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Body(int code, String message, Map<String, Object> metadata) {
    }

    public static ErrorEnvelope of(int code, String message) {
        return new ErrorEnvelope(new Body(code, message, null));
    }

    public static ErrorEnvelope of(int code, String message, Map<String, Object> metadata) {
        return new ErrorEnvelope(new Body(code, message, metadata));
    }
}
