package io.llmgateway.simulator.protocol;

/**
 * What the simulator needs from a parsed upstream request, whatever the protocol.
 *
 * @param model        the requested model, echoed in the answer
 * @param stream       SSE answer wanted
 * @param promptTokens jtokkit count of the prompt text
 * @param maxTokens    the request's output cap, null when absent
 * @param tool         the tool the answer calls, null for a text answer
 * @param includeUsage OpenAI stream_options.include_usage (other protocols always carry usage)
 * @param legacy       OpenAI legacy /v1/completions form
 */
public record SimRequest(String model, boolean stream, int promptTokens, Integer maxTokens, ToolCall tool,
        boolean includeUsage, boolean legacy) {
}
