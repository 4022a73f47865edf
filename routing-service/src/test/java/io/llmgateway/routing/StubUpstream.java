package io.llmgateway.routing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Test stand-in for catalog and auth (contract JSON on a dynamic port) and a small scripted upstream
 * speaking the OpenAI, Anthropic and Gemini protocols under /p/{provider}/v1. Each provider's
 * behaviour is set by tests through {@link #MODE}: ok, 500, 429, hang, cut.
 */
public class StubUpstream implements QuarkusTestResourceLifecycleManager {

    public static final Map<String, String> MODE = new ConcurrentHashMap<>();
    public static final Map<String, Integer> CALLS = new ConcurrentHashMap<>();
    /** The last request body each provider received. */
    public static final Map<String, JsonObject> LAST_BODY = new ConcurrentHashMap<>();
    /** Catalog version served; from 2 on the snapshot also lists test/new. */
    public static volatile int VERSION = 1;
    private Vertx vertx;
    private static int port;

    /** Base URL of the real provider-simulator process, or null when its jar is not usable here. */
    public static volatile String simulator;
    private Process simulatorProcess;

    /**
     * Before each simulator test: skipped without the simulator, every simulated provider back to its
     * defaults (stats and caches cleared), breakers closed, the catalog loaded.
     */
    static void resetSimulator() throws InterruptedException {
        resetSimulator(io.quarkus.arc.Arc.container().instance(io.llmgateway.routing.upstream.EndpointGuards.class).get(),
                io.quarkus.arc.Arc.container().instance(io.llmgateway.routing.selection.CatalogCache.class).get());
    }

    static void resetSimulator(io.llmgateway.routing.upstream.EndpointGuards guards,
            io.llmgateway.routing.selection.CatalogCache catalog) throws InterruptedException {
        org.junit.jupiter.api.Assumptions.assumeTrue(simulator != null, "provider-simulator jar not available");
        io.restassured.RestAssured.given().delete(simulator + "/sim/providers").then()
                .statusCode(org.hamcrest.Matchers.lessThan(300));
        guards.reset();
        for (int i = 0; i < 100 && !catalog.loaded(); i++) {
            Thread.sleep(100);
        }
    }

    /** The JSON of the usage event of a generation, read back from the usage stream (waits up to 5 s). */
    static String usageEvent(io.quarkus.redis.datasource.RedisDataSource redis,
            io.llmgateway.contracts.events.RedisKeys keys, String id) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            for (var msg : redis.stream(String.class).xrange(keys.usageStream(),
                    io.quarkus.redis.datasource.stream.StreamRange.of("-", "+"))) {
                if (msg.payload().get("data").contains(id)) {
                    return msg.payload().get("data");
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no usage event for " + id);
    }

    @Override
    public Map<String, String> start() {
        startSimulator();
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(this::handle);
        try {
            server.listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        port = server.actualPort();
        String base = "http://localhost:" + port;
        return Map.of("gateway.catalog.url", base, "gateway.auth.url", base);
    }

    @Override
    public void stop() {
        vertx.close();
        if (simulatorProcess != null) {
            simulatorProcess.destroy();
            try {
                simulatorProcess.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (simulatorProcess.isAlive()) {
                simulatorProcess.destroyForcibly();
            }
        }
    }

    /**
     * Starts provider-simulator as a real process on a free port (jar from {@code -Dsimulator.jar} or
     * {@code ../provider-simulator/target/quarkus-app/quarkus-run.jar}); leaves {@link #simulator} null
     * when the jar is missing or does not answer a chat call, and the simulator tests are skipped.
     */
    private void startSimulator() {
        java.nio.file.Path jar = java.nio.file.Path.of(System.getProperty("simulator.jar",
                "../provider-simulator/target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        if (!java.nio.file.Files.exists(jar)) {
            return;
        }
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            int simPort = socket.getLocalPort();
            socket.close();
            java.nio.file.Path log = java.nio.file.Files.createTempFile("simulator", ".log");
            simulatorProcess = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx256m", "-Dquarkus.http.port=" + simPort, "-jar", jar.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            String url = "http://localhost:" + simPort;
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            for (int i = 0; i < 300 && simulatorProcess.isAlive(); i++) {
                try {
                    var resp = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/p/probe/v1/chat/completions"))
                            .header("content-type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                    if (resp.statusCode() == 200) {
                        simulator = url;
                        return;
                    }
                    if (resp.statusCode() == 404) {
                        break; // an old jar without the upstream routes
                    }
                } catch (java.io.IOException e) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            simulatorProcess.destroy();
            simulatorProcess = null;
        } catch (Exception e) {
            simulator = null;
        }
    }

    static String sha(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonObject key(String secret, String kind, String balance, Integer rpm) {
        return new JsonObject().put("key_hash", sha(secret)).put("account_id", "acct-" + secret).put("label", secret)
                .put("kind", kind).put("disabled", false).put("account_balance", balance).put("rpm", rpm).put("version", 1);
    }

    static JsonObject snapshot() {
        String base = "http://localhost:" + port + "/p/";
        JsonArray providers = new JsonArray()
                .add(provider("alpha", "openai", base + "alpha/v1"))
                .add(provider("odd", "cohere", base + "odd/v1")) // an adapter this gateway does not have
                .add(provider("beta", "openai", base + "beta/v1"))
                .add(provider("claude", "anthropic", base + "claude/v1"))
                .add(provider("gem", "gemini", base + "gem/v1beta"));
        JsonArray models = new JsonArray()
                .add(model("test/model", endpoint("ep-alpha", "alpha", "0.000001"), endpoint("ep-beta", "beta", "0.000002")))
                .add(model("test/claude", endpoint("ep-claude", "claude", "0.000001")))
                .add(model("test/gemini", endpoint("ep-gem", "gem", "0.000001")))
                .add(model("test/backup", endpoint("ep-beta-backup", "beta", "0.000001")))
                .add(model("test/pricey", endpoint("ep-pricey", "alpha", "1")))
                .add(model("test/odd", endpoint("ep-odd", "odd", "0.000001")))
                // for the auto router: the cheapest model has no tools and reads text only
                .add(model("auto/free-one", endpoint("ep-free-one", "alpha", "0")
                        .put("supported_parameters", new JsonArray().add("temperature"))))
                .add(model("auto/vision-tools", endpoint("ep-vision-tools", "beta", "0.0000005"))
                        .put("input_modalities", new JsonArray().add("text").add("image")));
        if (VERSION >= 2) {
            models.add(model("test/new", endpoint("ep-new", "beta", "0.000001")));
        }
        if (simulator != null) {
            String sim = simulator + "/p/";
            providers.add(provider("sim-a", "openai", sim + "sim-a/v1")).add(provider("sim-b", "openai", sim + "sim-b/v1"))
                    .add(provider("sim-c", "openai", sim + "sim-c/v1"))
                    .add(provider("sim-claude", "anthropic", sim + "sim-claude/v1"))
                    .add(provider("sim-gemini", "gemini", sim + "sim-gemini/v1beta"));
            models.add(model("sim/multi", endpoint("sim-ep-a", "sim-a", "0.000001"), endpoint("sim-ep-b", "sim-b", "0.000002"),
                    endpoint("sim-ep-c", "sim-c", "0.000003")))
                    .add(model("sim/claude", endpoint("sim-ep-claude", "sim-claude", "0.000001")))
                    .add(model("sim/gemini", endpoint("sim-ep-gemini", "sim-gemini", "0.000001")))
                    .add(embeddings(model("sim/embed", endpoint("sim-ep-embed-a", "sim-a", "0.00000002"),
                            endpoint("sim-ep-embed-claude", "sim-claude", "0.00000001"),
                            endpoint("sim-ep-embed-gemini", "sim-gemini", "0.00000003"))))
                    .add(embeddings(model("sim/embed-claude", endpoint("sim-ep-embed-only-claude", "sim-claude",
                            "0.00000001"))))
                    .add(model("sim/fid-openai", fidelity(endpoint("sim-ep-fid-openai", "sim-a", "0.000003"))))
                    .add(model("sim/fid-claude", fidelity(endpoint("sim-ep-fid-claude", "sim-claude", "0.000003"))))
                    .add(model("sim/fid-gemini", fidelity(endpoint("sim-ep-fid-gemini", "sim-gemini", "0.000003"))))
                    .add(model("sim/fid-text", fidelity(endpoint("sim-ep-fid-text", "sim-b", "0.000001")))
                            .put("input_modalities", new JsonArray().add("text")))
                    // a provider whose protocol is Gemini's serving a Claude model in Anthropic's (Vertex)
                    .add(model("sim/vertex-claude", fidelity(endpoint("sim-ep-vertex-claude", "sim-vertex", "0.000003"))
                            .put("adapter", "anthropic")));
            providers.add(provider("sim-vertex", "gemini", sim + "sim-vertex/v1"));
            RequestFieldsTest.catalog(providers, models, sim);
        }
        JsonObject aliases = new JsonObject().put("test/old-name", "test/model").put("~test/model-latest", "test/model");
        JsonArray presets = new JsonArray().add(new JsonObject().put("account_id", "acct-sk-good").put("slug", "careful")
                .put("version", 2).put("name", "Careful").put("config", new JsonObject()
                        .put("models", new JsonArray().add("test/backup").add("test/model"))
                        .put("system_prompt", "Be careful.").put("temperature", 0.2).put("max_tokens", 77)
                        .put("provider", new JsonObject().put("allow_fallbacks", true).put("sort", "price"))));
        return new JsonObject().put("version", VERSION).put("providers", providers).put("models", models)
                .put("aliases", aliases).put("presets", presets);
    }

    static JsonObject provider(String slug, String adapter, String url) {
        return new JsonObject().put("slug", slug).put("name", slug.toUpperCase()).put("adapter", adapter)
                .put("base_url", url).put("status", "active");
    }

    static JsonObject model(String id, JsonObject... endpoints) {
        return new JsonObject().put("id", id).put("name", id).put("context_length", 100000)
                .put("endpoints", new JsonArray(java.util.List.of((Object[]) endpoints)));
    }

    /** An embeddings model: its output modality is what tells routes apart. */
    static JsonObject embeddings(JsonObject model) {
        return model.put("output_modalities", new JsonArray().add("embeddings"));
    }

    static JsonObject endpoint(String id, String provider, String price) {
        return new JsonObject().put("id", id).put("provider", provider).put("provider_model", provider + "-native")
                .put("context_length", 100000).put("enabled", true)
                .put("supported_parameters", new JsonArray().add("tools").add("temperature").add("max_tokens"))
                .put("pricing", new JsonObject().put("prompt", price).put("completion", price));
    }

    /**
     * An endpoint priced like a caching, reasoning model (cache reads 0.1x, writes 1.25x, reasoning
     * dearer than the answer, so each price shows in a cost) that takes every translated field.
     */
    static JsonObject fidelity(JsonObject endpoint) {
        endpoint.getJsonObject("pricing").put("completion", "0.000015").put("input_cache_read", "0.0000003")
                .put("input_cache_write", "0.00000375").put("internal_reasoning", "0.00002");
        return endpoint.put("max_completion_tokens", 8192).put("supported_parameters", new JsonArray().add("tools")
                .add("tool_choice").add("temperature").add("max_tokens").add("reasoning").add("include_reasoning")
                .add("response_format").add("structured_outputs").add("logprobs").add("top_logprobs")
                .add("parallel_tool_calls"));
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        if (path.equals("/internal/snapshot")) {
            req.response().putHeader("ETag", "\"" + VERSION + "\"").end(snapshot().encode());
            return;
        }
        if (path.startsWith("/internal/keys/") && "hang".equals(MODE.get("auth"))) {
            return; // an auth that accepts the connection and never answers
        }
        if (path.startsWith("/internal/keys/")) {
            String hash = path.substring("/internal/keys/".length());
            for (JsonObject k : new JsonObject[] { key("sk-good", "inference", "100", null),
                    key("sk-mgmt", "management", "100", null), key("sk-poor", "inference", "0.000001", null),
                    key("sk-slow", "inference", "100", 2), key("sk-sdk", "inference", "100", null),
                    key("sk-revoke", "inference", "100", null), key("sk-topup", "inference", "100", null),
                    // rpm 31: too few requests a minute for leases (a sixteenth is 1), so every request
                    // runs the admission script, optimistically once its last admission left room
                    key("sk-optimist", "inference", "100", 31), key("sk-careful", "inference", "100", 31),
                    key("sk-poison", "inference", "100", null),
                    key("sk-lease", "inference", "100", null), key("sk-lease-drop", "inference", "100", null),
                    key("sk-lease-rpm", "inference", "100", 64) }) {
                if (k.getString("key_hash").equals(hash)) {
                    req.response().end(k.encode());
                    return;
                }
            }
            req.response().setStatusCode(404).end("{\"error\":{\"code\":404,\"message\":\"no such key\"}}");
            return;
        }
        if (path.startsWith("/api/v1/")) {
            // stands in for catalog/auth/metering public APIs: echoes what the proxy forwarded
            req.body().onSuccess(b -> req.response().putHeader("content-type", "application/json")
                    .end(new JsonObject().put("path", req.uri()).put("method", req.method().name())
                            .put("authorization", req.getHeader("Authorization")).put("body", b.toString()).encode()));
            return;
        }
        if (path.startsWith("/p/")) {
            String provider = path.split("/")[2];
            CALLS.merge(provider, 1, Integer::sum);
            CALLS.merge(req.version() + ":" + provider, 1, Integer::sum);
            req.body().onSuccess(body -> {
                LAST_BODY.put(provider, new JsonObject(body));
                upstream(req, provider, new JsonObject(body));
            });
            return;
        }
        req.response().setStatusCode(404).end();
    }

    private void upstream(HttpServerRequest req, String provider, JsonObject body) {
        String mode = MODE.getOrDefault(provider, "ok");
        switch (mode) {
            case "500" -> {
                req.response().setStatusCode(500).end("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}");
                return;
            }
            case "429" -> {
                req.response().setStatusCode(429).putHeader("Retry-After", "30")
                        .end("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\"}}");
                return;
            }
            case "hang" -> {
                return;
            }
            case "ctx" -> {
                req.response().setStatusCode(400).end(
                        "{\"error\":{\"message\":\"too long\",\"code\":\"context_length_exceeded\"}}");
                return;
            }
            default -> { }
        }
        boolean stream = body.getBoolean("stream", false);
        boolean tools = body.containsKey("tools");
        if (req.path().endsWith("/chat/completions")) {
            openai(req, body, stream, tools, mode);
        } else if (req.path().endsWith("/messages")) {
            anthropic(req, stream);
        } else {
            gemini(req, req.path().contains("streamGenerateContent"));
        }
    }

    private void openai(HttpServerRequest req, JsonObject body, boolean stream, boolean tools, String mode) {
        String model = body.getString("model");
        if (!stream) {
            JsonObject message = new JsonObject().put("role", "assistant").put("content", tools ? null : "Hello there");
            if (tools) {
                message.put("tool_calls", new JsonArray().add(new JsonObject().put("id", "call_1").put("type", "function")
                        .put("function", new JsonObject().put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}"))));
            }
            req.response().putHeader("content-type", "application/json").end(new JsonObject().put("id", "up-1")
                    .put("object", "chat.completion").put("created", 1).put("model", model)
                    .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", message)
                            .put("finish_reason", tools ? "tool_calls" : "stop")))
                    .put("usage", new JsonObject().put("prompt_tokens", 10).put("completion_tokens", 2).put("total_tokens", 12))
                    .encode());
            return;
        }
        req.response().setChunked(true).putHeader("content-type", "text/event-stream");
        String[] words = { "Hel", "lo", " there" };
        for (String w : words) {
            req.response().write("data: " + chunk(model, new JsonObject().put("content", w), null) + "\n\n");
        }
        if (mode.equals("slow")) {
            long timer = vertx.setPeriodic(100, t -> req.response().write("data: "
                    + chunk(model, new JsonObject().put("content", " more"), null) + "\n\n"));
            req.response().closeHandler(v -> { // a closed connection, or a reset HTTP/2 stream
                vertx.cancelTimer(timer);
                CALLS.merge("closed:" + model, 1, Integer::sum);
            });
            return;
        }
        if (mode.equals("cut")) {
            vertx.setTimer(50, t -> req.connection().close());
            return;
        }
        req.response().write("data: " + chunk(model, new JsonObject(), "stop") + "\n\n");
        req.response().write("data: " + new JsonObject().put("id", "up-1").put("object", "chat.completion.chunk")
                .put("model", model).put("choices", new JsonArray()).put("usage", new JsonObject().put("prompt_tokens", 10)
                        .put("completion_tokens", 3).put("total_tokens", 13)).encode() + "\n\n");
        req.response().end("data: [DONE]\n\n");
    }

    private static String chunk(String model, JsonObject delta, String finish) {
        return new JsonObject().put("id", "up-1").put("object", "chat.completion.chunk").put("created", 1).put("model", model)
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta)
                        .put("finish_reason", finish))).encode();
    }

    private void anthropic(HttpServerRequest req, boolean stream) {
        if (!stream) {
            req.response().end(new JsonObject().put("id", "msg_1").put("type", "message").put("role", "assistant")
                    .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", "Bonjour")))
                    .put("stop_reason", "end_turn")
                    .put("usage", new JsonObject().put("input_tokens", 7).put("output_tokens", 1)).encode());
            return;
        }
        req.response().setChunked(true).putHeader("content-type", "text/event-stream");
        req.response().write("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"usage\":{\"input_tokens\":7,\"output_tokens\":0}}}\n\n");
        req.response().write("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        req.response().write("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Bon\"}}\n\n");
        req.response().write("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"jour\"}}\n\n");
        req.response().write("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}\n\n");
        req.response().end("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    private void gemini(HttpServerRequest req, boolean stream) {
        JsonObject usage = new JsonObject().put("promptTokenCount", 5).put("candidatesTokenCount", 2).put("totalTokenCount", 7);
        if (!stream) {
            req.response().end(new JsonObject().put("candidates", new JsonArray().add(new JsonObject()
                    .put("content", new JsonObject().put("role", "model").put("parts", new JsonArray()
                            .add(new JsonObject().put("text", "Hallo"))))
                    .put("finishReason", "STOP"))).put("usageMetadata", usage).encode());
            return;
        }
        req.response().setChunked(true).putHeader("content-type", "text/event-stream");
        req.response().write("data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hal\"}]}}]}\n\n");
        req.response().end("data: " + new JsonObject().put("candidates", new JsonArray().add(new JsonObject()
                .put("content", new JsonObject().put("role", "model").put("parts", new JsonArray().add(new JsonObject().put("text", "lo"))))
                .put("finishReason", "STOP"))).put("usageMetadata", usage).encode() + "\n\n");
    }
}
