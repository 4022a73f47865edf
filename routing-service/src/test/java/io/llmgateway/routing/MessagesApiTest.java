package io.llmgateway.routing;

import static io.llmgateway.routing.GatewayRequests.withKey;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/messages} and {@code /messages/count_tokens} end to end through the gateway:
 * Anthropic clients' auth and headers, answers and exact stream event order from an OpenAI-compatible
 * and an Anthropic upstream, tool round trips, thinking, and every refusal in Anthropic's error shape.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
@WithTestResource(StubUpstream.class)
class MessagesApiTest extends GatewayTest {

    static final String TOOLS = "\"tools\":[{\"name\":\"get_weather\",\"description\":\"Weather in a city\","
            + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}]";

    static String messages(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":100,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    /** As the Anthropic SDKs send it: x-api-key and the version header. */
    static Response post(String key, String body) {
        return given().header("x-api-key", key).header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "prompt-caching-2024-07-31").contentType("application/json").body(body)
                .post("/api/v1/messages");
    }

    /**
     * A client hanging up mid-stream: the upstream call is cancelled, and the generation is billed
     * once, as cancelled, for what was produced (estimated, the provider never sent its usage).
     */
    @Test
    void aClientLeavingMidStreamCancelsTheUpstreamCallAndIsBilledOnce() throws Exception {
        StubUpstream.MODE.put("alpha", "slow");
        StubUpstream.MODE.put("beta", "slow");
        String seen = LeavingClient.streamUntil(io.restassured.RestAssured.port, "/api/v1/messages", "sk-good",
                messages("test/model", true), " more");
        assertTrue(seen.contains("event: message_start"), seen);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("gen-\\d+-[A-Za-z0-9]{20}").matcher(seen);
        assertTrue(m.find(), seen);
        String generation = m.group();
        String event = usageEventText(generation);
        assertTrue(event.contains("\"cancelled\":true") && event.contains("\"status\":\"cancelled\""), event);
        assertTrue(event.contains("\"tokens_estimated\":true"), event);
        assertTrue(io.llmgateway.routing.canonical.Json.parse(event).path("completion_tokens").asLong() > 0, event);
        for (int i = 0; i < 50 && StubUpstream.CALLS.keySet().stream().noneMatch(k -> k.startsWith("closed:")); i++) {
            Thread.sleep(50);
        }
        assertTrue(StubUpstream.CALLS.keySet().stream().anyMatch(k -> k.startsWith("closed:")), "upstream call cancelled");
        Thread.sleep(500); // a second settlement would have been published by now
        long events = redis.stream(String.class).xrange(keys.usageStream(),
                io.quarkus.redis.datasource.stream.StreamRange.of("-", "+")).stream()
                .filter(e -> e.payload().get("data").contains(generation)).count();
        assertEquals(1, events, "billed once");
    }

    /**
     * Betas that only switch Anthropic's behaviour reach every endpoint speaking its protocol, from the
     * Messages route's {@code anthropic-beta} and from OpenRouter's {@code x-anthropic-beta} on chat;
     * an OpenAI-compatible endpoint gets none; a name that is not one is a 400 naming the header.
     */
    @Test
    @SuppressWarnings("unchecked")
    void anthropicBetasReachTheEndpointsSpeakingAnthropicsProtocol() {
        Simulator.requireFresh();
        given().header("x-api-key", "sk-good").header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "interleaved-thinking-2025-05-14, context-1m-2025-08-07")
                .contentType("application/json").body(messages("sim/claude", false)).post("/api/v1/messages")
                .then().statusCode(200);
        assertEquals("interleaved-thinking-2025-05-14,context-1m-2025-08-07",
                ((Map<String, Object>) Simulator.lastRequest("sim-claude").get("headers")).get("anthropic-beta"));

        withKey("sk-good").header("x-anthropic-beta", "fine-grained-tool-streaming-2025-05-14")
                .body("{\"model\":\"sim/claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post(GatewayRequests.CHAT_COMPLETIONS).then().statusCode(200);
        assertEquals("fine-grained-tool-streaming-2025-05-14",
                ((Map<String, Object>) Simulator.lastRequest("sim-claude").get("headers")).get("anthropic-beta"));

        post("sk-good", messages("sim/multi", false)).then().statusCode(200); // sends prompt-caching-2024-07-31
        // price-weighted selection may pick any of sim/multi's three OpenAI-compatible endpoints
        List<Map<String, Object>> openai = new java.util.ArrayList<>(Simulator.requests("sim-a"));
        openai.addAll(Simulator.requests("sim-b"));
        openai.addAll(Simulator.requests("sim-c"));
        assertEquals(1, openai.size());
        assertNull(((Map<String, Object>) openai.get(0).get("headers")).get("anthropic-beta"));

        given().header("x-api-key", "sk-good").header("anthropic-beta", "context-1m-2025-08-07,Not A Beta!")
                .contentType("application/json").body(messages("sim/claude", false)).post("/api/v1/messages")
                .then().statusCode(400).body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("anthropic-beta"))
                .body("error.message", containsString("Not A Beta!"));
        assertEquals(2, Simulator.requests("sim-claude").size(), "the refused request never reached the provider");
    }

    @Test
    void plainAnswerFromAnOpenAiCompatibleUpstream() {
        Response r = post("sk-good", messages("test/model", false));
        r.then().statusCode(200)
                .body("type", equalTo("message")).body("role", equalTo("assistant"))
                .body("model", equalTo("test/model"))
                .body("content[0].type", equalTo("text")).body("content[0].text", equalTo("Hello there"))
                .body("stop_reason", equalTo("end_turn"))
                .body("usage.input_tokens", equalTo(10)).body("usage.output_tokens", equalTo(2))
                .body("usage.cache_read_input_tokens", equalTo(0))
                .body("usage.cache_creation_input_tokens", equalTo(0))
                .body("usage.cost", notNullValue());
        assertEquals(r.header("X-Generation-Id"), r.path("id"));
        assertTrue(r.path("stop_sequence") == null);
        assertEquals(1, StubUpstream.CALLS.getOrDefault("alpha", 0) + StubUpstream.CALLS.getOrDefault("beta", 0));
    }

    @Test
    void plainAnswerFromAnAnthropicUpstreamWithBearerAuth() {
        withKey("sk-good")
                .body(messages("test/claude", false)).post("/api/v1/messages").then().statusCode(200)
                .body("content[0].text", equalTo("Bonjour")).body("stop_reason", equalTo("end_turn"))
                .body("usage.input_tokens", equalTo(7)).body("usage.output_tokens", equalTo(1));
        assertEquals(1, StubUpstream.CALLS.get("claude"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void whatReachesTheRealSimulatorOverEachProtocol() {
        Simulator.requireFresh();
        String conversation = MessagesTranslationTest.CONVERSATION.replace("\"sort\":\"price\"", "\"only\":[\"%s\"]")
                .replace("anthropic/claude", "%s");

        post("sk-good", conversation.formatted("sim/multi", "sim-a")).then().statusCode(200)
                .body("stop_reason", equalTo("tool_use")).body("content.type", org.hamcrest.Matchers.hasItem("tool_use"));
        Map<String, Object> openai = (Map<String, Object>) Simulator.lastRequest("sim-a").get("body");
        List<Map<String, Object>> turns = (List<Map<String, Object>>) openai.get("messages");
        assertEquals(List.of("system", "user", "assistant", "tool", "user"), turns.stream().map(t -> t.get("role")).toList());
        List<Map<String, Object>> parts = (List<Map<String, Object>>) turns.get(1).get("content");
        assertEquals("file", parts.get(3).get("type"));
        Map<String, Object> reasoning = ((List<Map<String, Object>>) turns.get(2).get("reasoning_details")).get(0);
        assertEquals("sig-1", reasoning.get("signature"));
        assertEquals("toolu_1", turns.get(3).get("tool_call_id"));
        assertEquals(Map.of("type", "ephemeral"),
                ((List<Map<String, Object>>) turns.get(4).get("content")).get(0).get("cache_control"));
        assertEquals("required", openai.get("tool_choice"));
        assertEquals(false, openai.get("parallel_tool_calls"));
        assertEquals(List.of("END"), openai.get("stop"));
        assertEquals(40, openai.get("top_k"));
        assertEquals("u-1", openai.get("user"));

        // thinking stays off here: Anthropic refuses it with a forced tool_choice, and refuses thinking
        // blocks it did not sign (the loop below has both, signed)
        post("sk-good", conversation.formatted("sim/claude", "sim-claude")
                .replace("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},", "")
                .replace("{\"type\":\"thinking\",\"thinking\":\"need a tool\",\"signature\":\"sig-1\"},", "")
                .replace("{\"type\":\"redacted_thinking\",\"data\":\"enc-1\"},", "")).then().statusCode(200)
                .body("stop_reason", equalTo("tool_use")).body("content[0].type", equalTo("tool_use"));
        Map<String, Object> anthropic = (Map<String, Object>) Simulator.lastRequest("sim-claude").get("body");
        assertEquals(List.of(Map.of("type", "text", "text", "be brief", "cache_control", Map.of("type", "ephemeral"))),
                anthropic.get("system"));
        assertEquals(Map.of("type", "any", "disable_parallel_tool_use", true), anthropic.get("tool_choice"));
        assertEquals(List.of("END"), anthropic.get("stop_sequences"));
        List<Map<String, Object>> blocks = (List<Map<String, Object>>) ((List<Map<String, Object>>) anthropic
                .get("messages")).get(2).get("content");
        assertEquals("tool_result", blocks.get(0).get("type"));
        assertEquals("toolu_1", blocks.get(0).get("tool_use_id"));

        String think = "{\"model\":\"sim/claude\",\"max_tokens\":2048,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Think, then say hi\"}]}";
        post("sk-good", think).then().statusCode(200).body("content[0].type", equalTo("thinking"))
                .body("content[0].thinking.length()", greaterThan(0)).body("content[1].type", equalTo("text"));
        assertEquals(Map.of("type", "enabled", "budget_tokens", 1024),
                ((Map<String, Object>) Simulator.lastRequest("sim-claude").get("body")).get("thinking"));
        String sse = post("sk-good", think.replace("{\"model\"", "{\"stream\":true,\"model\"")).then().statusCode(200)
                .extract().asString();
        assertTrue(sse.contains("\"content_block\":{\"type\":\"thinking\"") && sse.contains("\"thinking_delta\"")
                && sse.contains("\"signature_delta\""), sse);

        // a tool loop under thinking: the signed thinking block the client sends back reaches Anthropic whole
        io.vertx.core.json.JsonObject ask = new io.vertx.core.json.JsonObject(think.replace("}]}", "}]," + TOOLS + "}"));
        Response first = post("sk-good", ask.encode());
        first.then().statusCode(200).body("content[0].type", equalTo("thinking"))
                .body("content[0].signature.length()", greaterThan(0)).body("stop_reason", equalTo("tool_use"));
        io.vertx.core.json.JsonArray content = new io.vertx.core.json.JsonObject(first.asString()).getJsonArray("content");
        String toolId = content.stream().map(b -> (io.vertx.core.json.JsonObject) b)
                .filter(b -> "tool_use".equals(b.getString("type"))).findFirst().orElseThrow().getString("id");
        ask.getJsonArray("messages").add(new io.vertx.core.json.JsonObject().put("role", "assistant").put("content", content))
                .add(new io.vertx.core.json.JsonObject().put("role", "user").put("content", new io.vertx.core.json.JsonArray()
                        .add(new io.vertx.core.json.JsonObject().put("type", "tool_result").put("tool_use_id", toolId)
                                .put("content", "21C"))));
        post("sk-good", ask.encode()).then().statusCode(200).body("type", equalTo("message"));
        List<Map<String, Object>> sent = (List<Map<String, Object>>) ((Map<String, Object>) Simulator
                .lastRequest("sim-claude").get("body")).get("messages");
        assertEquals(content.getJsonObject(0).getString("signature"),
                ((List<Map<String, Object>>) sent.get(1).get("content")).get(0).get("signature"));
    }

    @Test
    void streamHasAnthropicsExactEventOrder() {
        for (String model : List.of("test/model", "test/claude")) {
            String sse = post("sk-good", messages(model, true)).then().statusCode(200)
                    .contentType(containsString("text/event-stream")).extract().asString();
            int deltas = model.equals("test/model") ? 3 : 2;
            List<String> expected = new java.util.ArrayList<>(List.of("message_start", "content_block_start", "ping"));
            for (int i = 0; i < deltas; i++) {
                expected.add("content_block_delta");
            }
            expected.addAll(List.of("content_block_stop", "message_delta", "message_stop"));
            assertEquals(expected, MessagesTranslationTest.events(sse), sse);
            assertTrue(sse.contains("\"stop_reason\":\"end_turn\""), sse);
            assertTrue(sse.contains(model.equals("test/model") ? "\"output_tokens\":3" : "\"output_tokens\":2"), sse);
            assertTrue(sse.contains("\"type\":\"text_delta\""), sse);
        }
    }

    @Test
    void toolUseAndToolResultRoundTrip() {
        // the stub's OpenAI endpoint answers a tool call whenever the request reached it with tools
        String ask = "{\"model\":\"test/model\",\"max_tokens\":100," + TOOLS
                + ",\"tool_choice\":{\"type\":\"any\"},\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]}";
        Response first = post("sk-good", ask);
        first.then().statusCode(200).body("stop_reason", equalTo("tool_use"))
                .body("content[0].type", equalTo("tool_use")).body("content[0].name", equalTo("get_weather"))
                .body("content[0].input.city", equalTo("Paris"));
        String id = first.path("content[0].id");
        for (String model : List.of("test/model", "test/claude")) {
            String back = "{\"model\":\"" + model + "\",\"max_tokens\":100," + TOOLS + ",\"messages\":["
                    + "{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
                    + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"" + id
                    + "\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\"}}]},"
                    + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"" + id
                    + "\",\"content\":[{\"type\":\"text\",\"text\":\"21C\"}]}]}]}";
            post("sk-good", back).then().statusCode(200).body("type", equalTo("message"))
                    .body("content.size()", greaterThan(0));
        }
    }

    @Test
    void thinkingRequestWithThinkingHistory() {
        String body = "{\"model\":\"test/claude\",\"max_tokens\":2048,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":["
                + "{\"type\":\"thinking\",\"thinking\":\"hmm\",\"signature\":\"sig\"},"
                + "{\"type\":\"redacted_thinking\",\"data\":\"enc\"},{\"type\":\"text\",\"text\":\"Hello\"}]},"
                + "{\"role\":\"user\",\"content\":\"again\"}]}";
        post("sk-good", body).then().statusCode(200).body("content[0].text", equalTo("Bonjour"));
    }

    @Test
    void countTokensUsesTheGatewayTokenizerWithoutAProvider() {
        String body = "{\"model\":\"test/model\",\"system\":\"You are terse.\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hello, world\"}]," + TOOLS + "}";
        int n = given().header("x-api-key", "sk-good").header("anthropic-version", "2023-06-01")
                .contentType("application/json").body(body).post("/api/v1/messages/count_tokens")
                .then().statusCode(200).body("input_tokens", greaterThan(10)).extract().path("input_tokens");
        // system and user text plus the tools: more than the text alone, stable across calls
        assertEquals(n, (int) given().header("x-api-key", "sk-good").contentType("application/json").body(body)
                .post("/api/v1/messages/count_tokens").path("input_tokens"));
        assertTrue(StubUpstream.CALLS.isEmpty(), StubUpstream.CALLS.toString());
        given().contentType("application/json").body(body).post("/api/v1/messages/count_tokens").then()
                .statusCode(401).body("type", equalTo("error")).body("error.type", equalTo("authentication_error"));
        given().header("x-api-key", "sk-good").contentType("application/json").body("{\"model\":\"m\",\"messages\":[]}")
                .post("/api/v1/messages/count_tokens").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"));
        given().header("x-api-key", "sk-good").get("/api/v1/messages/count_tokens").then().statusCode(405)
                .body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void badInputIsAnAnthropicErrorNeverA500() {
        String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        Map<String, Integer> cases = new LinkedHashMap<>();
        cases.put("{\"model\":", 400); // malformed JSON
        cases.put("[1,2]", 400);
        cases.put("{\"model\":\"test/model\",\"max_tokens\":\"many\"," + msgs + "}", 400);
        cases.put("{\"model\":\"test/model\",\"max_tokens\":10,\"messages\":\"hi\"}", 400);
        cases.put("{\"model\":\"test/model\",\"max_tokens\":10,\"messages\":[]}", 400);
        cases.put("{\"model\":\"test/model\"," + msgs + "}", 400); // no max_tokens
        cases.put("{\"model\":\"test/model\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"video\",\"url\":\"x\"}]}]}", 400);
        cases.put("{\"model\":\"test/model\",\"max_tokens\":10,\"unknown_knob\":1," + msgs + "}", 400);
        cases.put("{\"model\":42,\"max_tokens\":10," + msgs + "}", 400);
        cases.put("{\"model\":\"nope/nope\",\"max_tokens\":10," + msgs + "}", 404);
        cases.forEach((body, status) -> post("sk-good", body).then().statusCode(status)
                .contentType(containsString("application/json")).body("type", equalTo("error"))
                .body("error.type", equalTo(status == 404 ? "not_found_error" : "invalid_request_error"))
                .body("error.message", notNullValue()));
        post("sk-good", "{\"model\":\"test/model\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(5_000_000) + "\"}]}").then().statusCode(413).body("error.type", equalTo("request_too_large"));
        given().header("x-api-key", "sk-good").get("/api/v1/messages").then().statusCode(405)
                .header("Allow", "POST").body("type", equalTo("error"));
        // still serving
        post("sk-good", messages("test/model", false)).then().statusCode(200);
    }

    @Test
    void keysAndRefusalsInAnthropicShape() {
        post("sk-unknown", messages("test/model", false)).then().statusCode(401)
                .body("error.type", equalTo("authentication_error"));
        given().contentType("application/json").body(messages("test/model", false)).post("/api/v1/messages").then()
                .statusCode(401).body("error.type", equalTo("authentication_error"));
        post("sk-mgmt", messages("test/model", false)).then().statusCode(403)
                .body("error.type", equalTo("permission_error"));
        post("sk-poor", "{\"model\":\"test/pricey\",\"max_tokens\":4000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .then().statusCode(402).body("error.type", equalTo("billing_error"));
        StubUpstream.MODE.put("alpha", "500");
        StubUpstream.MODE.put("beta", "500");
        post("sk-good", messages("test/model", false)).then().statusCode(502).body("error.type", equalTo("api_error"))
                .body("error.metadata.attempts.size()", greaterThan(0));
    }

    @Test
    void pingsKeepASilentStreamOpenThenItEndsInAnthropicEvents() {
        StubUpstream.MODE.put("alpha", "hang");
        String req = "{\"model\":\"test/model\",\"max_tokens\":10,\"stream\":true,\"provider\":{\"order\":[\"alpha\",\"beta\"]},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String sse = post("sk-good", req).then().statusCode(200).extract().asString();
        List<String> events = MessagesTranslationTest.events(sse);
        assertEquals("ping", events.get(0), sse);
        assertEquals(List.of("message_start", "content_block_start", "ping"),
                events.subList(events.indexOf("message_start"), events.indexOf("message_start") + 3), sse);
        assertEquals("message_stop", events.get(events.size() - 1), sse);

        StubUpstream.MODE.put("beta", "500");
        String refused = post("sk-good", req).then().statusCode(200).extract().asString();
        assertEquals("ping", MessagesTranslationTest.events(refused).get(0), refused);
        assertTrue(refused.endsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                + "\"message\":\"All providers failed to answer\"}}\n\n"), refused);
    }

    @Test
    void midStreamFailureIsAnErrorEvent() {
        StubUpstream.MODE.put("alpha", "cut");
        StubUpstream.MODE.put("beta", "cut");
        String sse = post("sk-good", messages("test/model", true)).then().statusCode(200).extract().asString();
        List<String> events = MessagesTranslationTest.events(sse);
        assertEquals("message_start", events.get(0), sse);
        assertEquals("error", events.get(events.size() - 1), sse);
        assertTrue(sse.contains("\"type\":\"api_error\""), sse);
        assertNull(events.contains("message_stop") ? "message_stop" : null, sse);
    }
}
