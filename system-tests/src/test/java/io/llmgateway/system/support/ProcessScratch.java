package io.llmgateway.system.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** What the processes a test starts leave behind: logs to quote in a failure, data folders, shutdown hooks. */
final class ProcessScratch {

    private ProcessScratch() {
    }

    /** The last {@code lines} lines of a log, or why there are none. */
    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Deletes a folder and all below it; best effort, as it runs after a failed test too. */
    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: what is left is under a temporary folder
        }
    }

    /** Drops the hook that stops a process at JVM exit, once the process was closed. */
    static void dropShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
    }
}
