package io.llmgateway.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.system.support.GatewaySuite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
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
        GatewaySuite suite = GatewaySuite.get();
        Path source = suite.repoRoot().resolve("system-tests/src/test/node");
        Path work = suite.repoRoot().resolve("system-tests/target/node-clients");
        Files.createDirectories(work);
        for (String file : List.of("package.json", "anthropic-clients.mjs")) {
            Files.copy(source.resolve(file), work.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.exists(work.resolve("node_modules/@anthropic-ai/sdk"))) {
            NodeClientsTest.run(work, List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), null, 300);
        }
        String output = NodeClientsTest.run(work, List.of("node", "anthropic-clients.mjs"), suite, 240);
        System.out.println(output);
        assertEquals(true, output.contains(" 0 failed"), output);
    }
}
