package io.llmgateway.routing;

import static io.llmgateway.routing.GatewayRequests.post;
import static io.llmgateway.routing.GatewayRequests.withKey;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
@WithTestResource(StubUpstream.class)
class ChatCompletionsTest extends GatewayTest {

    @Inject
    io.micrometer.core.instrument.MeterRegistry meters;

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    /** A one-message chat with test/model under the given provider preferences. */
    private static String routed(String provider) {
        return "{\"model\":\"test/model\",\"provider\":" + provider
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    @Test
    void openAiJsonAnswerHasOpenRouterShape() {
        post("sk-good", chat("test/model", false)).then().statusCode(200)
                .header("X-Generation-Id", matchesPattern("gen-\\d+-[A-Za-z0-9]{20}"))
                .header("X-Gateway-Overhead-Ms", notNullValue())
                .body("id", matchesPattern("gen-\\d+-[A-Za-z0-9]{20}"))
                .body("model", equalTo("test/model"))
                .body("object", equalTo("chat.completion"))
                .body("choices[0].message.content", equalTo("Hello there"))
                .body("choices[0].finish_reason", equalTo("stop"))
                .body("choices[0].native_finish_reason", equalTo("stop"))
                .body("usage.prompt_tokens", equalTo(10))
                .body("usage.completion_tokens", equalTo(2))
                .body("usage.total_tokens", equalTo(12))
                .body("usage.prompt_tokens_details.cached_tokens", equalTo(0))
                .body("usage.cost", notNullValue());
    }

    @Test
    void openAiStreamEndsWithUsageChunkAndDone() {
        String body = post("sk-good", chat("test/model", true)).then().statusCode(200)
                .contentType(containsString("text/event-stream")).extract().asString();
        assertTrue(body.contains("\"content\":\"Hel\""), body);
        assertTrue(body.contains("\"choices\":[],"), body);
        assertTrue(body.contains("\"completion_tokens\":3"), body);
        assertTrue(body.trim().endsWith("data: [DONE]"), body);
    }

    @Test
    void failsOverToTheNextEndpointWhenOneAnswers500() {
        StubUpstream.MODE.put("alpha", "500");
        String req = routed("{\"order\":[\"alpha\",\"beta\"]}");
        post("sk-good", req).then().statusCode(200).body("provider", equalTo("BETA"));
        assertEquals(1, StubUpstream.CALLS.get("alpha")); // another endpoint exists: fail over at once
    }

    @Test
    void rateLimitedProviderWithLongRetryAfterFailsOverAtOnce() {
        StubUpstream.MODE.put("alpha", "429");
        String req = routed("{\"order\":[\"alpha\"]}");
        post("sk-good", req).then().statusCode(200).body("provider", equalTo("BETA"));
        assertEquals(1, StubUpstream.CALLS.get("alpha"));
    }

    @Test
    void fallsBackToTheNextModelAndReportsAttemptsWhenAllFail() {
        StubUpstream.MODE.put("alpha", "hang");
        StubUpstream.MODE.put("beta", "500");
        String req = "{\"model\":\"test/model\",\"models\":[\"test/claude\"],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        post("sk-good", req).then().statusCode(200).body("model", equalTo("test/claude"))
                .body("choices[0].message.content", equalTo("Bonjour"));
        StubUpstream.MODE.put("claude", "500");
        post("sk-good", req).then().statusCode(502).body("error.code", equalTo(502))
                .body("error.metadata.attempts.size()", org.hamcrest.Matchers.greaterThan(2));
    }

    @Test
    void silentProviderIsCutByFirstByteTimeoutWhileKeepalivesFlow() {
        StubUpstream.MODE.put("alpha", "hang");
        String req = "{\"model\":\"test/model\",\"stream\":true,\"provider\":{\"order\":[\"alpha\",\"beta\"]},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String body = post("sk-good", req).then().statusCode(200).extract().asString();
        assertTrue(body.startsWith(": OPENROUTER PROCESSING"), body);
        assertTrue(body.contains("\"provider\":\"BETA\"") && body.trim().endsWith("data: [DONE]"), body);
    }

    @Test
    void clientDisconnectCancelsUpstreamAndIsBilledAsCancelled() throws Exception {
        StubUpstream.MODE.put("alpha", "slow");
        StubUpstream.MODE.put("beta", "slow");
        String seen = LeavingClient.streamUntil(io.restassured.RestAssured.port, "sk-good", chat("test/model", true),
                " more");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("gen-\\d+-[A-Za-z0-9]{20}").matcher(seen);
        assertTrue(m.find());
        String generation = m.group();
        String event = usageEventText(generation);
        assertTrue(event.contains("\"cancelled\":true") && event.contains("\"status\":\"cancelled\""), event);
        assertTrue(event.contains("\"tokens_estimated\":true"), event);
        for (int i = 0; i < 50 && StubUpstream.CALLS.keySet().stream().noneMatch(k -> k.startsWith("closed:")); i++) {
            Thread.sleep(50);
        }
        assertTrue(StubUpstream.CALLS.keySet().stream().anyMatch(k -> k.startsWith("closed:")), "upstream call cancelled");
    }

    private double optimistic(String outcome) {
        return meters.counter("gateway.admission.optimistic", "outcome", outcome).count();
    }

    @Test
    void optimisticAdmissionOverlapsTheUpstreamCallButStillRefuses() throws Exception {
        // a key this replica has not admitted yet waits for its admission
        double started = optimistic("started");
        post("sk-optimist", chat("test/model", false)).then().statusCode(200);
        assertEquals(started, optimistic("started"));
        // the last admission showed ample room: the next call starts upstream at once and still
        // carries the admission's rate-limit headers
        post("sk-optimist", chat("test/model", false)).then().statusCode(200)
                .header("X-RateLimit-Limit", notNullValue()).header("X-RateLimit-Remaining", notNullValue());
        assertEquals(started + 1, optimistic("started"));

        // other replicas reserved the whole balance meanwhile: the script refuses; the call already on
        // its way upstream is cut, the client gets 402 and nothing is billed
        String pending = keys.accountPending("acct-sk-optimist");
        redis.value(Long.class).set(pending, 1_000_000_000L); // far above the 100 USD balance
        double denied = optimistic("denied");
        try {
            StubUpstream.MODE.put("alpha", "slow");
            StubUpstream.MODE.put("beta", "slow");
            Response refused = post("sk-optimist", chat("test/model", true));
            refused.then().statusCode(402).body("error.code", equalTo(402));
            assertEquals(started + 2, optimistic("started"));
            assertEquals(denied + 1, optimistic("denied"));
            // after a refusal the key waits for its admission again: no more calls cut upstream
            post("sk-optimist", chat("test/model", false)).then().statusCode(402);
            assertEquals(started + 2, optimistic("started"));
            String generation = refused.header("X-Generation-Id");
            Thread.sleep(500);
            for (var msg : redis.stream(String.class).xrange(keys.usageStream(),
                    io.quarkus.redis.datasource.stream.StreamRange.of("-", "+"))) {
                assertTrue(!msg.payload().get("data").contains(generation), "a refused request is not billed");
            }
        } finally {
            redis.key().del(pending);
        }
    }

    @Test
    void aFailedAdmissionScriptTurnsOptimismOffForEveryKeyForFiveSeconds() throws Exception {
        post("sk-careful", chat("test/model", false)).then().statusCode(200); // its last admission left ample room
        // sk-poison's per-minute counter is a hash: the script's INCRBY fails (WRONGTYPE), as a failing Redis would
        String tag = keys.prefix() + "gw:{acct:acct-sk-poison}:rl:" + StubUpstream.sha("sk-poison") + ":m:";
        long minute = System.currentTimeMillis() / 60_000;
        java.util.List<String> poisoned = java.util.List.of(tag + minute, tag + (minute + 1));
        poisoned.forEach(k -> redis.hash(String.class).hset(k, "not", "a counter"));
        try {
            post("sk-poison", chat("test/model", false)).then().statusCode(503).body("error.code", equalTo(503));
            double started = optimistic("started");
            post("sk-careful", chat("test/model", false)).then().statusCode(200);
            assertEquals(started, optimistic("started"), "right after a failed script, every request waits for admission");
            Thread.sleep(5_200);
            post("sk-careful", chat("test/model", false)).then().statusCode(200);
            assertEquals(started + 1, optimistic("started"), "5 s later, a key with ample room starts at once again");
        } finally {
            poisoned.forEach(k -> redis.key().del(k));
        }
    }

    @Test
    void anOptimisticRequestThatNoAttemptCouldServeIsStillAnswered() throws Exception {
        // admitted once, so the next request starts optimistically; its only endpoint's adapter is
        // unknown, so no attempt is ever written, and the deferred admission must still run and answer
        post("sk-careful", chat("test/model", false)).then().statusCode(200);
        Response answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> post("sk-careful", chat("test/odd", false)))
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        answer.then().statusCode(502).body("error.metadata.attempts[0].outcome", equalTo("unsupported_adapter"));
    }

    @Test
    void toolCallsPassThrough() {
        String req = "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]}";
        post("sk-good", req).then().statusCode(200).body("choices[0].finish_reason", equalTo("tool_calls"))
                .body("choices[0].message.tool_calls[0].function.name", equalTo("get_weather"));
    }

    @Test
    void midStreamCutEndsWithErrorChunk() {
        StubUpstream.MODE.put("alpha", "cut");
        StubUpstream.MODE.put("beta", "cut");
        String body = post("sk-good", chat("test/model", true)).then().statusCode(200).extract().asString();
        assertTrue(body.contains("\"finish_reason\":\"error\""), body);
        assertTrue(body.trim().endsWith("data: [DONE]"), body);
    }

    @Test
    void circuitOpensAfterRepeatedFailures() {
        StubUpstream.MODE.put("alpha", "500");
        String req = routed("{\"order\":[\"alpha\"],\"allow_fallbacks\":false}");
        for (int i = 0; i < 2; i++) {
            post("sk-good", req).then().statusCode(502);
        }
        int calls = StubUpstream.CALLS.get("alpha");
        post("sk-good", req).then().statusCode(503);
        assertEquals(calls, StubUpstream.CALLS.get("alpha")); // open circuit: not called
        assertEquals(io.smallrye.faulttolerance.api.CircuitBreakerState.OPEN, guards.state("ep-alpha"));
    }

    @Test
    void clientsThatLeaveMidAttemptDoNotOpenTheCircuit() throws Exception {
        StubUpstream.MODE.put("alpha", "hang");
        String req = routed("{\"order\":[\"alpha\"],\"allow_fallbacks\":false}");
        int before = StubUpstream.CALLS.getOrDefault("alpha", 0);
        int port = io.restassured.RestAssured.port;
        // like a load generator closing its connections at the end of a run: each client goes away
        // while its attempt is on the wire, well past the breaker's request volume (10)
        for (int i = 0; i < 15; i++) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                byte[] body = req.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                socket.getOutputStream().write(("POST /api/v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                        + "Authorization: Bearer sk-good\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getOutputStream().write(body);
                socket.getOutputStream().flush();
                for (int w = 0; w < 100 && StubUpstream.CALLS.getOrDefault("alpha", 0) < before + i + 1; w++) {
                    Thread.sleep(20);
                }
            }
        }
        assertEquals(before + 15, StubUpstream.CALLS.getOrDefault("alpha", 0), "every attempt reached the provider");
        Thread.sleep(300); // let routing see the closed connections
        assertEquals(io.smallrye.faulttolerance.api.CircuitBreakerState.CLOSED, guards.state("ep-alpha"));
        StubUpstream.MODE.remove("alpha");
        post("sk-good", req).then().statusCode(200);
    }

    @Test
    void anthropicAndGeminiAdaptersJsonAndStream() {
        post("sk-good", chat("test/claude", false)).then().statusCode(200)
                .body("choices[0].message.content", equalTo("Bonjour")).body("usage.prompt_tokens", equalTo(7))
                .body("provider", equalTo("CLAUDE"));
        String s = post("sk-good", chat("test/claude", true)).then().statusCode(200).extract().asString();
        assertTrue(s.contains("\"content\":\"jour\"") && s.contains("\"completion_tokens\":2"), s);
        post("sk-good", chat("test/gemini", false)).then().statusCode(200)
                .body("choices[0].message.content", equalTo("Hallo")).body("usage.total_tokens", equalTo(7));
        String g = post("sk-good", chat("test/gemini", true)).then().statusCode(200).extract().asString();
        assertTrue(g.contains("\"content\":\"lo\"") && g.trim().endsWith("data: [DONE]"), g);
    }

    @Test
    void restOfThePublicApiIsProxied() {
        given().header("Authorization", "Bearer sk-x").get("/api/v1/models?supported_parameters=tools").then()
                .statusCode(200).body("path", equalTo("/api/v1/models?supported_parameters=tools"))
                .body("authorization", equalTo("Bearer sk-x"));
        given().contentType("application/json").body("{\"name\":\"k\"}").post("/api/v1/keys").then().statusCode(200)
                .body("method", equalTo("POST")).body("body", equalTo("{\"name\":\"k\"}"));
        given().get("/internal/snapshot").then().statusCode(404);
        given().get("/api/v1/chat/completions").then().statusCode(405).body("error.code", equalTo(405));
        given().get("/api/v1/nothing-here").then().statusCode(404).body("error.code", equalTo(404));
    }

    @Test
    void legacyCompletions() {
        withKey("sk-good")
                .body("{\"model\":\"test/model\",\"prompt\":\"Say hello\"}").post("/api/v1/completions")
                .then().statusCode(200).body("object", equalTo("text_completion"))
                .body("choices[0].text", equalTo("Hello there"));
    }

    @Test
    void badInputGetsTheErrorEnvelope() {
        Map<String, Integer> cases = Map.of(
                "{not json", 400,
                "{\"model\":\"test/model\"}", 400,
                "{\"model\":\"test/model\",\"messages\":\"x\"}", 400,
                "{\"model\":\"nope/nope\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 404,
                "{\"models\":[],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 400,
                "{\"model\":\"test/model\",\"max_tokens\":-1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 400,
                "{\"model\":\"test/model\",\"provider\":{\"bogus\":1},\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", 400,
                "[1,2]", 400);
        cases.forEach((body, status) -> post("sk-good", body).then().statusCode(status)
                .body("error.code", equalTo(status)).body("error.message", notNullValue()));
        post("sk-good", "{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(5_000_000)
                + "\"}]}").then().statusCode(413).body("error.code", equalTo(413));
    }

    @Test
    void keysAreChecked() {
        given().contentType("application/json").body(chat("test/model", false)).post("/api/v1/chat/completions")
                .then().statusCode(401).body("error.code", equalTo(401));
        post("sk-unknown", chat("test/model", false)).then().statusCode(401);
        post("sk-mgmt", chat("test/model", false)).then().statusCode(403);
        post("sk-poor", chat("test/pricey", false)).then().statusCode(402).body("error.code", equalTo(402));
    }

    @Test
    void keyEventsReachTheCacheWithinASecond() throws Exception {
        post("sk-revoke", chat("test/model", false)).then().statusCode(200);
        String disabled = StubUpstream.key("sk-revoke", "inference", "100", null).put("disabled", true).put("version", 2)
                .encode();
        redis.stream(String.class).xadd(keys.keyEventsStream(), Map.of("data", "{\"type\":\"key.updated\",\"key_hash\":\""
                + StubUpstream.sha("sk-revoke") + "\",\"state\":" + disabled + ",\"at\":1}", "traceparent", ""));
        post("sk-topup", chat("test/model", false)).then().statusCode(200);
        redis.stream(String.class).xadd(keys.keyEventsStream(), Map.of("data",
                "{\"type\":\"account.balance\",\"account_id\":\"acct-sk-topup\",\"account_balance\":\"0\",\"at\":1}",
                "traceparent", ""));
        int revoked = 0;
        int broke = 0;
        for (int i = 0; i < 30 && (revoked != 401 || broke != 402); i++) {
            Thread.sleep(100);
            revoked = post("sk-revoke", chat("test/model", false)).statusCode();
            broke = post("sk-topup", chat("test/model", false)).statusCode();
        }
        assertEquals(401, revoked);
        assertEquals(402, broke);
    }

    @Test
    void catalogEventTriggersARefetch() throws Exception {
        post("sk-good", chat("test/new", false)).then().statusCode(404);
        StubUpstream.VERSION = 2;
        redis.stream(String.class).xadd(keys.catalogEventsStream(), Map.of("data",
                "{\"version\":2,\"change\":\"model.created\",\"id\":\"test/new\",\"at\":1}", "traceparent", ""));
        for (int i = 0; i < 30 && catalog.index().snapshot().version() < 2; i++) {
            Thread.sleep(100);
        }
        post("sk-good", chat("test/new", false)).then().statusCode(200).body("model", equalTo("test/new"));
    }

    @Test
    void rateLimitHoldsForConcurrentClients() throws Exception {
        List<Integer> statuses = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 2; i++) {
                    statuses.add(post("sk-slow", chat("test/model", false)).statusCode());
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(2, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        Response limited = post("sk-slow", chat("test/model", false));
        assertEquals(429, limited.statusCode());
        assertTrue(limited.header("Retry-After") != null && limited.header("X-RateLimit-Limit").equals("2"));
    }

    @Test
    void usageEventIsPublished() throws Exception {
        String id = post("sk-good", chat("test/model", false)).then().statusCode(200).extract().path("id");
        String found = null;
        for (int i = 0; i < 50 && found == null; i++) {
            for (var msg : redis.stream(String.class).xrange(keys.usageStream(), io.quarkus.redis.datasource.stream.StreamRange.of("-", "+"))) {
                if (msg.payload().get("data").contains(id)) {
                    found = msg.payload().get("data");
                }
            }
            Thread.sleep(100);
        }
        assertTrue(found != null, "usage event for " + id);
        assertTrue(found.contains("\"status\":\"success\"") && found.contains("\"prompt_tokens\":10")
                && found.contains("\"endpoint_id\":\"ep-"), found);
    }

    @Test
    void officialOpenAiSdkWorks() {
        var client = com.openai.client.okhttp.OpenAIOkHttpClient.builder()
                .baseUrl("http://localhost:" + io.restassured.RestAssured.port + "/api/v1").apiKey("sk-sdk")
                .timeout(Duration.ofSeconds(20)).build();
        var params = com.openai.models.chat.completions.ChatCompletionCreateParams.builder().model("test/model")
                .addUserMessage("Say hello").build();
        var completion = client.chat().completions().create(params);
        assertEquals("Hello there", completion.choices().get(0).message().content().orElse(null));
        StringBuilder text = new StringBuilder();
        try (var stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        }
        assertEquals("Hello there", text.toString());
        var toolParams = com.openai.models.chat.completions.ChatCompletionCreateParams.builder().model("test/model")
                .addUserMessage("Weather in Paris?")
                .addTool(com.openai.models.chat.completions.ChatCompletionFunctionTool.builder()
                        .function(com.openai.models.FunctionDefinition.builder().name("get_weather")
                                .parameters(com.openai.models.FunctionParameters.builder()
                                        .putAdditionalProperty("type", com.openai.core.JsonValue.from("object")).build())
                                .build())
                        .build())
                .build();
        var toolAnswer = client.chat().completions().create(toolParams);
        var call = toolAnswer.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction().function();
        assertEquals("get_weather", call.name());
        assertEquals("{\"city\":\"Paris\"}", call.arguments());
    }
}
