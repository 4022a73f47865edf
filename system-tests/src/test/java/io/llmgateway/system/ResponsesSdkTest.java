package io.llmgateway.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Node SDK's Responses API ({@code responses.create}: plain, streamed, a function
 * tool round trip, a refused stateful request) against the running suite, on an OpenAI-compatible
 * endpoint and on Anthropic and Gemini endpoints. The SDK is installed from the npm registry into
 * target/ at the version pinned in src/test/node/package.json.
 */
class ResponsesSdkTest {

    @Test
    void officialNodeSdkSpeaksResponses() throws Exception {
        String output = NodeScripts.run("node-responses", "responses-clients.mjs", "openai");
        assertEquals(true, output.contains(" 0 failed"), output);
    }
}
