package io.llmgateway.system;

import io.llmgateway.system.support.GatewaySuite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a client script of src/test/node against the running suite: the script, the checks module it
 * imports and package.json are copied into a work folder under target/, where the SDKs pinned in
 * package.json are installed from the npm registry once.
 */
final class NodeScripts {

    private NodeScripts() {
    }

    /**
     * The output of {@code script} run in {@code target/<workDir>}; {@code installed} is a package the
     * script imports, whose absence means npm install has not run in that folder yet.
     */
    static String run(String workDir, String script, String installed) throws IOException, InterruptedException {
        GatewaySuite suite = GatewaySuite.get();
        Path source = suite.repoRoot().resolve("system-tests/src/test/node");
        Path work = suite.repoRoot().resolve("system-tests/target").resolve(workDir);
        Files.createDirectories(work);
        for (String file : List.of("package.json", "checks.mjs", script)) {
            Files.copy(source.resolve(file), work.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.exists(work.resolve("node_modules").resolve(installed))) {
            run(work, List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), null, 300);
        }
        String output = run(work, List.of("node", script), suite, 240);
        System.out.println(output);
        return output;
    }

    private static String run(Path dir, List<String> command, GatewaySuite suite, int timeoutSeconds)
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
