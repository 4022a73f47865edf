package io.llmgateway.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The official Anthropic TypeScript SDK ({@code @anthropic-ai/sdk}, pinned in
 * src/test/node/package.json) with its base URL at the gateway's {@code /api} root: messages.create,
 * messages.stream, a tool_result round trip, thinking, countTokens and errors, each served by an
 * OpenAI-compatible endpoint and by a Claude model's Anthropic endpoint of the running suite.
 */
class AnthropicSdkTest {

    @Test
    void officialAnthropicSdkWorks() throws Exception {
        String output = NodeScripts.run("node-clients", "anthropic-clients.mjs", "@anthropic-ai/sdk");
        assertEquals(true, output.contains(" 0 failed"), output);
    }
}
