package io.llmgateway.system.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis server of the test's own, on a free port, with the persistence a production deployment
 * uses (AOF, fsync on every write, no RDB snapshots), so it can be killed and restarted on the same
 * port and data directory. Never touches the machine's shared Redis.
 */
public final class PrivateRedis implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final Path log;
    private Process process;
    private int starts;

    private PrivateRedis(int port, Path dir) {
        this.port = port;
        this.dir = dir;
        this.log = dir.resolveSibling(dir.getFileName() + ".log");
    }

    public static PrivateRedis start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("gw-private-redis-");
        PrivateRedis redis = new PrivateRedis(ServiceProcess.freePort(), dir);
        redis.launch();
        return redis;
    }

    private void launch() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of("redis-server", "--port", String.valueOf(port), "--bind",
                "127.0.0.1", "--appendonly", "yes", "--appendfsync", "always", "--dir", dir.toString(), "--save", ""))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = builder.start();
        starts++;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " exited at start:\n" + tail());
            }
            if ("+PONG".equals(command("PING"))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING:\n" + tail());
    }

    /** Sends SIGKILL (a crash) or SIGTERM (an orderly stop) to the server, by its pid, and waits for it to go. */
    public void kill(boolean hard) throws InterruptedException {
        if (hard) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            throw new IllegalStateException("redis-server pid " + process.pid() + " did not exit");
        }
    }

    /** Starts the server again on the same port with the same data directory (it reloads its AOF). */
    public void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException("redis-server is still running");
        }
        launch();
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public int starts() {
        return starts;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** One inline command; the raw first line of the answer, or null when the server does not answer. */
    public String command(String inline) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\r') {
                line.append((char) c);
            }
            return line.toString();
        } catch (IOException e) {
            return null;
        }
    }

    public String tail() {
        return ProcessScratch.tail(log, 20);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        ProcessScratch.deleteTree(dir);
    }
}
