package io.llmgateway.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.system.support.GatewaySuite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
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
        GatewaySuite suite = GatewaySuite.get();
        Path source = suite.repoRoot().resolve("system-tests/src/test/node");
        Path work = suite.repoRoot().resolve("system-tests/target/node-responses");
        Files.createDirectories(work);
        for (String file : List.of("package.json", "responses-clients.mjs")) {
            Files.copy(source.resolve(file), work.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.exists(work.resolve("node_modules/openai"))) {
            NodeClientsTest.run(work, List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), null, 300);
        }
        String output = NodeClientsTest.run(work, List.of("node", "responses-clients.mjs"), suite, 240);
        System.out.println(output);
        assertEquals(true, output.contains(" 0 failed"), output);
    }
}
