package io.llmgateway.system.support;

import io.llmgateway.testsupport.InfraLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own: a fresh cluster (initdb) in a temporary directory, started
 * with pg_ctl on a free port, so a test can take it away (immediate shutdown, which is a crash: the
 * next start replays the WAL) and bring it back on the same port and data. Never touches the
 * machine's shared server. PostgreSQL refuses to run as root, so when the tests run as root the
 * cluster belongs to the {@code postgres} user and every command goes through {@code runuser}.
 */
public final class PrivatePostgres implements AutoCloseable {

    private static final String USER = "postgres";

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final Path log;
    private final int port;
    private final boolean asPostgresUser;
    private final Thread shutdownHook = new Thread(this::stopQuietly);
    private boolean running;

    private PrivatePostgres(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.log = dir.resolve("postgres.log");
        this.port = port;
        this.asPostgresUser = "root".equals(System.getProperty("user.name"));
    }

    /**
     * The bin directory of the newest PostgreSQL installed the Debian way
     * ({@code /usr/lib/postgresql/<version>/bin}), or of {@code pg_ctl} on the PATH; empty when neither exists.
     */
    public static Optional<Path> binaries() {
        List<Path> candidates = new ArrayList<>();
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                versions.map(v -> v.resolve("bin"))
                        .sorted(Comparator.comparing((Path p) -> versionOf(p.getParent())).reversed())
                        .forEach(candidates::add);
            } catch (IOException e) {
                // fall through to the PATH
            }
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                candidates.add(Path.of(entry));
            }
        }
        return candidates.stream()
                .filter(p -> Files.isExecutable(p.resolve("initdb")) && Files.isExecutable(p.resolve("pg_ctl")))
                .findFirst();
    }

    private static int versionOf(Path versionDir) {
        try {
            return Integer.parseInt(versionDir.getFileName().toString().replaceAll("\\..*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** initdb + start; the caller checks {@link #binaries()} first. */
    public static PrivatePostgres start() throws IOException, InterruptedException {
        Path bin = binaries().orElseThrow(() -> new IllegalStateException("no initdb/pg_ctl on this machine"));
        Path dir = Files.createTempDirectory("gw-private-pg-");
        PrivatePostgres pg = new PrivatePostgres(bin, dir, ServiceProcess.freePort());
        Runtime.getRuntime().addShutdownHook(pg.shutdownHook);
        try {
            pg.initdb();
            pg.startServer();
        } catch (IOException | InterruptedException | RuntimeException e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    private void initdb() throws IOException, InterruptedException {
        if (asPostgresUser) {
            // the cluster directory must belong to the user the server runs as
            run(List.of("chown", "-R", USER + ":" + USER, dir.toString()), false, Duration.ofSeconds(10));
        }
        // no fsync anywhere: an immediate shutdown kills the server, not the machine, so the WAL written to
        // the page cache survives it; skipping fsync keeps the test light on a shared disk
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "-A", "trust", "-E",
                "UTF8", "--no-sync"), true, Duration.ofSeconds(60));
    }

    private void startServer() throws IOException, InterruptedException {
        String options = "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c fsync=off"
                + " -c max_connections=200 -c shared_buffers=16MB";
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(), "-w", "-t", "60",
                "-o", options, "start"), true, Duration.ofSeconds(70));
        running = true;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!accepting()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("PostgreSQL on port " + port + " does not accept connections:\n"
                        + tail());
            }
            Thread.sleep(100);
        }
    }

    /**
     * An immediate shutdown (SIGQUIT to the postmaster): connections drop at once, no checkpoint, WAL replay
     * on restart.
     */
    public void crash() throws IOException, InterruptedException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "-t", "30",
                "stop"), true, Duration.ofSeconds(40));
        running = false;
    }

    /** Starts the server again on the same port with the same data directory. */
    public void restart() throws IOException, InterruptedException {
        if (running) {
            throw new IllegalStateException("PostgreSQL is still running");
        }
        startServer();
    }

    /** Whether a client can open a session right now. */
    public boolean accepting() {
        String url = locator().jdbcUrl("postgres") + "?connectTimeout=2";
        try (Connection c = DriverManager.getConnection(url, USER, "")) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** This server in the form the suites use for the shared one. */
    public InfraLocator.Postgres locator() {
        return new InfraLocator.Postgres("127.0.0.1", port, USER, "");
    }

    public int port() {
        return port;
    }

    public String tail() {
        return ProcessScratch.tail(log, 20);
    }

    private void run(List<String> command, boolean asServerUser, Duration timeout)
            throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asServerUser && asPostgresUser) {
            full.addAll(List.of("runuser", "-u", USER, "--"));
        }
        full.addAll(command);
        Path out = Files.createTempFile("gw-pg-cmd-", ".log");
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", full) + " did not finish in " + timeout);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " exited " + p.exitValue() + ":\n"
                        + Files.readString(out) + "\n" + tail());
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private void stopQuietly() {
        if (running) {
            try {
                crash();
            } catch (Exception e) {
                // best effort: at JVM exit or after a failed test
            }
        }
    }

    @Override
    public void close() {
        stopQuietly();
        ProcessScratch.dropShutdownHook(shutdownHook);
        ProcessScratch.deleteTree(dir);
    }
}
