package io.llmgateway.simulator.protocol;

import java.util.List;

/**
 * The answer to play, independent of the protocol.
 *
 * @param id               response id (protocol prefix added by the protocol)
 * @param created          epoch seconds
 * @param text             full output text (empty for a tool call)
 * @param chunks           the text (or, for a tool call, the arguments JSON) split into stream chunks
 * @param completionTokens jtokkit count of what was returned, reasoning excluded
 * @param finish           why generation stopped
 * @param omitUsage        play a provider that sends no usage
 * @param reasoning        reasoning text, null when the request asked for none
 * @param reasoningChunks  the reasoning text in stream chunks
 * @param reasoningTokens  jtokkit count of the reasoning (counted even when it is not shown)
 * @param cacheRead        prompt tokens read from the provider's cache
 * @param cacheWrite       prompt tokens written to it (Anthropic breakpoints only)
 */
public record Completion(String id, long created, String text, List<String> chunks, int promptTokens,
        int completionTokens, Finish finish, ToolCall tool, boolean omitUsage, String reasoning,
        List<String> reasoningChunks, int reasoningTokens, int cacheRead, int cacheWrite) {

    public enum Finish { STOP, LENGTH, TOOL }

    /** Prompt plus everything generated, reasoning included. */
    public int totalTokens() {
        return promptTokens + completionTokens + reasoningTokens;
    }

    /** Generated tokens, reasoning included (OpenAI completion_tokens, Anthropic output_tokens). */
    public int outputTokens() {
        return completionTokens + reasoningTokens;
    }
}
