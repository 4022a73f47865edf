package io.llmgateway.simulator.protocol;

import java.util.List;

/**
 * The answer to play, independent of the protocol.
 *
 * @param id               response id (protocol prefix added by the protocol)
 * @param created          epoch seconds
 * @param text             full output text (empty for a tool call)
 * @param chunks           the text (or, for a tool call, the arguments JSON) split into stream chunks
 * @param completionTokens jtokkit count of what was returned
 * @param finish           why generation stopped
 * @param omitUsage        play a provider that sends no usage
 */
public record Completion(String id, long created, String text, List<String> chunks, int promptTokens,
        int completionTokens, Finish finish, ToolCall tool, boolean omitUsage) {

    public enum Finish { STOP, LENGTH, TOOL }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
