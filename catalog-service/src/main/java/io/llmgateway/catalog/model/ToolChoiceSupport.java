package io.llmgateway.catalog.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Which {@code tool_choice} values an endpoint accepts (OpenRouter schema {@code ToolChoiceSupport}). */
public record ToolChoiceSupport(boolean auto, @JsonProperty("function") boolean function, boolean none,
        boolean required) {

    private static final ToolChoiceSupport ALL = new ToolChoiceSupport(true, true, true, true);
    private static final ToolChoiceSupport NONE = new ToolChoiceSupport(false, false, false, false);

    /** All values when the endpoint lists {@code tool_choice} among its parameters, none otherwise. */
    public static ToolChoiceSupport of(List<String> supportedParameters) {
        return supportedParameters.contains("tool_choice") ? ALL : NONE;
    }
}
