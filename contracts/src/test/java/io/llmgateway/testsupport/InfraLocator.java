package io.llmgateway.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Finds the real Redis and PostgreSQL the tests use, the same way the {@code ./services} launcher
 * does: {@code REDIS_URL} / {@code DATABASE_URL} when set, else the default ports on localhost.
 * Fails with a message naming the fix when a server is not there; it never starts, stops or
 * reconfigures the shared servers.
 */
public final class InfraLocator {

    private InfraLocator() {
    }

    public record Postgres(String host, int port, String user, String password) {
        public String jdbcUrl(String database) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }

        public String reactiveUrl(String database) {
            return "postgresql://" + host + ":" + port + "/" + database;
        }

        /** Runs one statement (CREATE/DROP DATABASE and the like) on the maintenance database. */
        public void execute(String sql) {
            try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), user, password);
                    Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException("PostgreSQL at " + host + ":" + port + " refused '" + sql + "': "
                        + e.getMessage(), e);
            }
        }
    }

    public record Redis(String host, int port) {
        public String url() {
            return "redis://" + host + ":" + port;
        }
    }

    public static Postgres postgres() {
        String url = env("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres");
        URI uri = URI.create(url.replaceFirst("^jdbc:", "").replaceFirst("^postgres:", "postgresql:"));
        String user = "postgres";
        String password = "";
        if (uri.getUserInfo() != null) {
            String[] parts = uri.getUserInfo().split(":", 2);
            user = parts[0];
            password = parts.length > 1 ? parts[1] : "";
        }
        Postgres pg = new Postgres(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), user, password);
        requireListening(pg.host(), pg.port(), "PostgreSQL",
                "start it (./services up does) or set DATABASE_URL=postgresql://user:pass@host:port/db");
        return pg;
    }

    public static Redis redis() {
        URI uri = URI.create(env("REDIS_URL", "redis://127.0.0.1:6379"));
        Redis redis = new Redis(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
        requireListening(redis.host(), redis.port(), "Redis",
                "start it (./services up does) or set REDIS_URL=redis://host:port");
        ping(redis);
        return redis;
    }

    private static void ping(Redis redis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(redis.host(), redis.port()), 2000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[64];
            int n = in.read(buf);
            String answer = n > 0 ? new String(buf, 0, n, StandardCharsets.US_ASCII) : "";
            if (!answer.startsWith("+PONG")) {
                throw new IllegalStateException("Redis at " + redis.url() + " did not answer PING (got '"
                        + answer.trim() + "'); check REDIS_URL");
            }
        } catch (IOException e) {
            throw new IllegalStateException("Redis at " + redis.url() + " is not usable: " + e.getMessage(), e);
        }
    }

    private static void requireListening(String host, int port, String what, String fix) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
        } catch (IOException e) {
            throw new IllegalStateException(what + " is not reachable at " + host + ":" + port + " ("
                    + e.getMessage() + "); " + fix);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
