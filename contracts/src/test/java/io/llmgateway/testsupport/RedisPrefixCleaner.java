package io.llmgateway.testsupport;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes the keys a test run wrote under its own prefix (SCAN MATCH prefix* + UNLINK), so runs do
 * not leave streams of hundreds of thousands of entries in the machine's shared Redis, which has no
 * persistence and no eviction. Only keys under the run's own prefix are touched; a prefix that does
 * not start with {@code test:} or {@code sys:} (the test suites' prefixes) is refused, so nothing of a
 * running product can be deleted.
 */
public final class RedisPrefixCleaner {

    private RedisPrefixCleaner() {
    }

    /** Deletes every key starting with {@code prefix}; returns how many were found. Best effort. */
    public static int delete(InfraLocator.Redis redis, String prefix) {
        if (prefix == null || !(prefix.startsWith("test:") || prefix.startsWith("sys:")) || prefix.length() < 10) {
            throw new IllegalArgumentException("refusing to delete keys outside a test prefix: " + prefix);
        }
        int deleted = 0;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(redis.host(), redis.port()), 2000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String cursor = "0";
            do {
                send(out, "SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000");
                List<Object> reply = asList(read(in));
                cursor = (String) reply.get(0);
                List<Object> keys = asList(reply.get(1));
                if (!keys.isEmpty()) {
                    List<String> command = new ArrayList<>();
                    command.add("UNLINK");
                    keys.forEach(k -> command.add((String) k));
                    send(out, command.toArray(String[]::new));
                    read(in);
                    deleted += keys.size();
                }
            } while (!"0".equals(cursor));
        } catch (IOException | RuntimeException e) {
            System.err.println("could not delete the test keys under " + prefix + ": " + e.getMessage());
        }
        return deleted;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object reply) {
        return (List<Object>) reply;
    }

    private static void send(OutputStream out, String... args) throws IOException {
        StringBuilder b = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String a : args) {
            byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
            b.append('$').append(bytes.length).append("\r\n").append(a).append("\r\n");
        }
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Minimal RESP2 reader: simple strings, errors, integers, bulk strings, arrays. */
    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+', ':' -> {
                return line;
            }
            case '-' -> throw new IOException("Redis error: " + line);
            case '$' -> {
                int len = Integer.parseInt(line);
                if (len < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(len);
                line(in);
                return new String(data, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int n = Integer.parseInt(line);
                List<Object> items = new ArrayList<>(Math.max(0, n));
                for (int i = 0; i < n; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default -> throw new IOException("unexpected Redis reply type " + (char) type);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\r') {
            b.append((char) c);
        }
        in.read(); // '\n'
        return b.toString();
    }
}
