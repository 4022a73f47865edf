package io.llmgateway.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.system.support.GatewaySuite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        GatewaySuite suite = GatewaySuite.get();
        Path source = suite.repoRoot().resolve("system-tests/src/test/node");
        Path work = suite.repoRoot().resolve("system-tests/target/node-clients");
        Files.createDirectories(work);
        for (String file : List.of("package.json", "clients.mjs")) {
            Files.copy(source.resolve(file), work.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.exists(work.resolve("node_modules/@openrouter/sdk"))) {
            run(work, List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), null, 300);
        }
        String output = run(work, List.of("node", "clients.mjs"), suite, 240);
        System.out.println(output);
        assertEquals(true, output.contains(" 0 failed"), output);
    }

    static String run(Path dir, List<String> command, GatewaySuite suite, int timeoutSeconds)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "run-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        if (suite != null) {
            builder.environment().put("BASE_URL", suite.baseUrl());
            builder.environment().put("API_KEY", suite.apiKey());
            builder.environment().put("MANAGEMENT_KEY", suite.managementKey());
            builder.environment().put("MODEL", OpenAiJavaSdkTest.MODEL);
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException(command.get(0) + " is not installed: install Node.js 20+ with npm", e);
        }
        boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        if (!finished) {
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s:\n" + text);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(command + " exited " + process.exitValue() + ":\n" + text);
        }
        return text;
    }
}
