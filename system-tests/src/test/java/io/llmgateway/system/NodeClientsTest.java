package io.llmgateway.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Node SDK and OpenRouter's own TypeScript SDK (which validates every response
 * strictly against OpenRouter's schema) run plain, streaming and tool-calling requests, list models,
 * and read key, generation and credits, against the running suite. The SDKs are installed from the
 * npm registry into target/ at the versions pinned in src/test/node/package.json.
 */
class NodeClientsTest {

    @Test
    void officialNodeClientsWork() throws Exception {
        String output = NodeScripts.run("node-clients", "clients.mjs", "@openrouter/sdk");
        assertEquals(true, output.contains(" 0 failed"), output);
    }
}
