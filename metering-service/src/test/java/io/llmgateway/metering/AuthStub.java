package io.llmgateway.metering;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A tiny stand-in for auth-service's {@code GET /internal/keys/{hash}} on a dynamic port. Tests register
 * keys over HTTP ({@code POST /register?...}), which works whatever class loader the test runs in.
 */
public class AuthStub implements QuarkusTestResourceLifecycleManager {

    private HttpServer server;
    private final Map<String, String> keys = new ConcurrentHashMap<>();

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/register", exchange -> {
            Map<String, String> q = query(exchange.getRequestURI());
            String hash = q.get("hash");
            keys.put(hash, "{\"key_hash\":\"" + hash + "\",\"account_id\":\"" + q.get("account") + "\",\"label\":\"t\","
                    + "\"kind\":\"" + q.get("kind") + "\",\"disabled\":false,\"version\":1}");
            respond(exchange, 204, null);
        });
        server.createContext("/internal/keys/", exchange -> {
            String hash = exchange.getRequestURI().getPath().substring("/internal/keys/".length());
            String body = keys.get(hash);
            if (body == null) {
                respond(exchange, 404, "{\"error\":{\"code\":404,\"message\":\"Key not found\"}}");
            } else {
                respond(exchange, 200, body);
            }
        });
        server.start();
        return Map.of("gateway.auth.url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
            throws IOException {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body == null ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> map = new HashMap<>();
        for (String part : uri.getRawQuery().split("&")) {
            String[] kv = part.split("=", 2);
            map.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return map;
    }

    /** Creates a key of the given kind for the account in the stub; answers the secret. */
    public static String newKey(String accountId, String kind) {
        String secret = "sk-test-" + UUID.randomUUID();
        try {
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
            String url = ConfigProvider.getConfig().getValue("gateway.auth.url", String.class) + "/register?hash="
                    + hash + "&account=" + accountId + "&kind=" + kind;
            HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 204) {
                throw new IllegalStateException("stub refused key: " + r.statusCode());
            }
            return secret;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
