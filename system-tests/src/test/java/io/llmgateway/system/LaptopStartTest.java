package io.llmgateway.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.system.support.GatewaySuite;
import io.llmgateway.system.support.ServiceProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's first command on a machine with only a JDK: {@code ./services up} with
 * {@code GATEWAY_INFRA=embedded}, which ignores the machine's Redis and PostgreSQL and runs both from
 * the binaries of Maven Central packages (embedded-redis, zonky's PostgreSQL) in a state folder of its
 * own, on free ports. The services get free ports too, so nothing here touches the machine's servers
 * or a suite someone runs on 8080-8090. A chat request goes through the launched suite, its generation
 * reaches metering (the usage stream on the embedded Redis, the metering database on the embedded
 * PostgreSQL), and {@code ./services down} leaves no process behind.
 */
class LaptopStartTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Test
    @Timeout(value = 360, unit = TimeUnit.SECONDS)
    void upWithEmbeddedInfrastructureServesAndDownStopsEverything() throws Exception {
        Path root = GatewaySuite.locateRepoRoot();
        Path state = Files.createTempDirectory("gw-laptop-");
        // as root the embedded PostgreSQL runs as an unprivileged user, who must reach its folder
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("GATEWAY_INFRA", "embedded");
        env.put("SERVICES_STATE_DIR", state.toString());
        env.put("SERVICES_BUILD", "never"); // the jars were just packaged by the same build
        env.put("STARTUP_TIMEOUT", "150");
        env.put("JAVA_OPTS", "-XX:TieredStopAtLevel=1");
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String name : List.of("ROUTING_PORT", "CATALOG_PORT", "AUTH_PORT", "METERING_PORT", "SIMULATOR_PORT")) {
            ports.put(name, ServiceProcess.freePort());
            env.put(name, String.valueOf(ports.get(name)));
        }
        boolean downRan = false;
        try {
            long started = System.nanoTime();
            Result up = run(root, state, env, Duration.ofSeconds(300), "up");
            long upMillis = (System.nanoTime() - started) / 1_000_000;
            System.out.println("[LaptopStartTest] ./services up with embedded infrastructure took " + upMillis
                    + " ms\n" + up.output());
            assertEquals(0, up.exit(), "./services up failed:\n" + up.output() + logs(state));

            Map<String, String> file = readEnv(state.resolve("env"));
            String redisUrl = file.get("REDIS_URL");
            String databaseUrl = file.get("DATABASE_URL");
            assertTrue(redisUrl.startsWith("redis://127.0.0.1:") && !redisUrl.endsWith(":6379"),
                    "the embedded Redis is not the machine's: " + redisUrl);
            assertFalse(databaseUrl.contains(":5432/"), "the embedded PostgreSQL is not the machine's: " + databaseUrl);
            assertTrue(up.output().contains("(embedded)"), "PostgreSQL came from the embedded binaries:\n" + up.output());
            assertTrue(file.get("BASE_URL").endsWith(":" + ports.get("ROUTING_PORT") + "/api/v1"), file.toString());

            // one chat request through the suite, and its generation in metering
            String key = file.get("API_KEY");
            HttpResponse<String> chat = send("POST", file.get("BASE_URL") + "/chat/completions", key,
                    "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}");
            assertEquals(200, chat.statusCode(), chat.body() + logs(state));
            JsonNode answer = JSON.readTree(chat.body());
            assertFalse(answer.path("choices").path(0).path("message").path("content").asText().isEmpty(), chat.body());
            String id = chat.headers().firstValue("X-Generation-Id").orElse(answer.path("id").asText());
            long deadline = System.currentTimeMillis() + 30_000;
            HttpResponse<String> generation;
            do {
                generation = send("GET", file.get("BASE_URL") + "/generation?id=" + id, key, null);
                if (generation.statusCode() == 200) {
                    break;
                }
                Thread.sleep(250);
            } while (System.currentTimeMillis() < deadline);
            assertEquals(200, generation.statusCode(), "the generation reached metering: " + generation.body()
                    + logs(state));

            Result status = run(root, state, env, Duration.ofSeconds(30), "status");
            assertTrue(status.output().contains("embedded-redis") && status.output().contains("embedded-postgres"),
                    status.output());
            List<Long> pids = pidsOf(state);

            Result down = run(root, state, env, Duration.ofSeconds(120), "down");
            downRan = true;
            assertEquals(0, down.exit(), down.output());
            for (long pid : pids) {
                // a server that removed its pid file may take a moment more to exit
                for (long until = System.currentTimeMillis() + 5000; running(pid)
                        && System.currentTimeMillis() < until;) {
                    Thread.sleep(100);
                }
                assertFalse(running(pid),
                        "pid " + pid + " is still running after ./services down:\n" + down.output());
            }
            for (String url : List.of(redisUrl, databaseUrl)) {
                URI uri = URI.create(url);
                assertFalse(listening(uri.getPort()), url + " still answers after ./services down");
            }
            for (int port : ports.values()) {
                assertFalse(listening(port), "port " + port + " still answers after ./services down");
            }
            assertNotEquals(0, pids.size());
        } finally {
            if (!downRan) {
                run(root, state, env, Duration.ofSeconds(120), "down");
            }
            try (Stream<Path> files = Files.walk(state)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path root, Path state, Map<String, String> env, Duration timeout, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("services").toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(state, "launcher-", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // the machine's servers are ignored: no URL of theirs reaches the launcher
        builder.environment().remove("REDIS_URL");
        builder.environment().remove("DATABASE_URL");
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            return new Result(-1, "timed out after " + timeout + ":\n" + Files.readString(out));
        }
        return new Result(process.exitValue(), Files.readString(out));
    }

    private static Map<String, String> readEnv(Path file) throws IOException {
        assertTrue(Files.exists(file), file + " was written by up");
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }

    /** The services' and the embedded servers' pids, as the launcher recorded them. */
    private static List<Long> pidsOf(Path state) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(state.resolve("pids"))) {
            s.forEach(files::add);
        }
        files.add(state.resolve("infra/embedded-redis/redis.pid"));
        files.add(state.resolve("infra/embedded-postgres/data/postmaster.pid"));
        List<Long> pids = new ArrayList<>();
        for (Path f : files) {
            assertTrue(Files.exists(f), f + " exists while the suite runs");
            pids.add(Long.parseLong(Files.readAllLines(f).get(0).trim()));
        }
        return pids;
    }

    private static HttpResponse<String> send(String method, String url, String bearer, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bearer)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Alive and not a zombie: a daemon that exited stays a zombie where nothing reaps orphans (PID 1 of some
     * containers), which {@link ProcessHandle#isAlive()} counts as alive.
     */
    private static boolean running(long pid) {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (Files.exists(stat)) {
            try {
                String s = Files.readString(stat);
                return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
            } catch (IOException e) {
                return false; // gone meanwhile
            }
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String logs(Path state) {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> s = Files.list(state.resolve("logs"))) {
            for (Path log : s.toList()) {
                List<String> lines = Files.readAllLines(log);
                out.append("\n----- ").append(log).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
            }
        } catch (IOException e) {
            out.append("\n(no logs: ").append(e.getMessage()).append(')');
        }
        return out.toString();
    }
}
