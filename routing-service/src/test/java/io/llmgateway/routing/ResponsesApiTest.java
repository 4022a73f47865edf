package io.llmgateway.routing;

import static io.llmgateway.routing.GatewayRequests.withKey;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/responses} end to end through the gateway, on each upstream protocol. */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
@WithTestResource(StubUpstream.class)
class ResponsesApiTest extends GatewayTest {

    static final String WEATHER_TOOL = "{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}";


    private static Response post(String body) {
        return withKey("sk-good").body(body).post("/api/v1/responses");
    }

    private static String plain(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"input\":\"Say hello\","
                + "\"instructions\":\"be brief\",\"metadata\":{\"run\":\"r1\"}}";
    }

    @Test
    void plainAnswerIsAResponseObject() {
        Response r = post(plain("test/model", false));
        r.then().statusCode(200).contentType(containsString("application/json"))
                .header("X-Generation-Id", notNullValue())
                .body("object", equalTo("response"))
                .body("status", equalTo("completed"))
                .body("model", equalTo("test/model"))
                .body("output[0].type", equalTo("message"))
                .body("output[0].role", equalTo("assistant"))
                .body("output[0].content[0].type", equalTo("output_text"))
                .body("output[0].content[0].text", equalTo("Hello there"))
                .body("output_text", equalTo("Hello there"))
                .body("usage.input_tokens", equalTo(10))
                .body("usage.output_tokens", equalTo(2))
                .body("usage.total_tokens", equalTo(12))
                .body("usage.input_tokens_details.cached_tokens", equalTo(0))
                .body("usage.output_tokens_details.reasoning_tokens", equalTo(0))
                .body("instructions", equalTo("be brief"))
                .body("metadata.run", equalTo("r1"))
                .body("error", equalTo(null));
        assertEquals(r.header("X-Generation-Id"), r.path("id"));
    }

    /** Parses an SSE body into its events, checking each event line names its JSON's type. */
    static List<JsonNode> events(String body) {
        List<JsonNode> events = new java.util.ArrayList<>();
        new io.llmgateway.routing.upstream.SseParser((name, data) -> {
            JsonNode e = Json.parse(data);
            assertEquals(name, e.path("type").asText(), data);
            events.add(e);
        }).feed(Buffer.buffer(body));
        return events;
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.path("type").asText()).toList();
    }

    static void sequenced(List<JsonNode> events) {
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i, events.get(i).path("sequence_number").asInt(), "sequence numbers count from 0");
        }
    }

    @Test
    void streamIsTheTypedEventSequence() {
        String body = post(plain("test/model", true)).then().statusCode(200)
                .contentType(containsString("text/event-stream")).extract().asString();
        List<JsonNode> events = events(body);
        assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.completed"), types(events), body);
        sequenced(events);
        assertEquals("Hello there", events.get(7).path("text").asText());
        JsonNode done = events.get(events.size() - 1).path("response");
        assertEquals("completed", done.path("status").asText());
        assertEquals("Hello there", done.path("output").get(0).path("content").get(0).path("text").asText());
        assertEquals(13, done.path("usage").path("total_tokens").asInt());
        assertEquals("r1", done.path("metadata").path("run").asText());
    }

    @Test
    void functionToolRoundTrip() {
        Response call = post("{\"model\":\"test/model\",\"input\":\"Weather in Paris?\",\"tools\":[" + WEATHER_TOOL
                + "],\"tool_choice\":\"auto\"}");
        call.then().statusCode(200).body("status", equalTo("completed"))
                .body("output.size()", equalTo(1))
                .body("output[0].type", equalTo("function_call"))
                .body("output[0].name", equalTo("get_weather"))
                .body("output[0].call_id", equalTo("call_1"))
                .body("output[0].arguments", equalTo("{\"city\":\"Paris\"}"))
                .body("tools[0].name", equalTo("get_weather"));
        // the client runs the tool and sends the call and its output back with the whole conversation
        String followUp = "{\"model\":\"test/model\",\"input\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
                + "{\"type\":\"function_call\",\"call_id\":\"call_1\",\"name\":\"get_weather\","
                + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"call_1\",\"output\":\"{\\\"temp\\\":21}\"}]}";
        post(followUp).then().statusCode(200).body("output[0].type", equalTo("message"))
                .body("output_text", equalTo("Hello there"));
        // the same follow-up on the Anthropic and Gemini protocols (tool_result, functionResponse)
        post(followUp.replace("test/model", "test/claude")).then().statusCode(200).body("output_text", equalTo("Bonjour"));
        post(followUp.replace("test/model", "test/gemini")).then().statusCode(200).body("output_text", equalTo("Hallo"));
    }

    @Test
    void reasoningIsAcceptedAndStructuredOutputSelectsByCapability() {
        post("{\"model\":\"test/model\",\"input\":\"weather?\",\"reasoning\":{\"effort\":\"low\",\"summary\":\"auto\"},"
                + "\"store\":false}").then().statusCode(200).body("reasoning.summary", equalTo("auto"))
                .body("store", equalTo(false)).body("text.format.type", equalTo("text"));
        // text.format arrives at selection as response_format: no stub endpoint lists that capability
        post("{\"model\":\"test/model\",\"input\":\"weather?\",\"text\":{\"format\":{\"type\":\"json_schema\","
                + "\"name\":\"w\",\"strict\":true,\"schema\":{\"type\":\"object\"}}}}").then().statusCode(404)
                .body("error.message", containsString("No endpoints found"));
    }

    @Test
    void servedByAnthropicAndGeminiEndpoints() {
        post(plain("test/claude", false)).then().statusCode(200).body("provider", equalTo("CLAUDE"))
                .body("output_text", equalTo("Bonjour")).body("usage.input_tokens", equalTo(7));
        List<JsonNode> claude = events(post(plain("test/claude", true)).then().statusCode(200).extract().asString());
        sequenced(claude);
        JsonNode done = claude.get(claude.size() - 1);
        assertEquals("response.completed", done.path("type").asText());
        assertEquals("Bonjour", done.path("response").path("output_text").asText());
        assertEquals(2, done.path("response").path("usage").path("output_tokens").asInt());

        post(plain("test/gemini", false)).then().statusCode(200).body("provider", equalTo("GEM"))
                .body("output_text", equalTo("Hallo")).body("usage.total_tokens", equalTo(7));
        List<JsonNode> gemini = events(post(plain("test/gemini", true)).then().statusCode(200).extract().asString());
        sequenced(gemini);
        assertEquals("Hallo", gemini.get(gemini.size() - 1).path("response").path("output_text").asText());
    }

    @Test
    void failsOverAndFallsBackLikeChat() {
        StubUpstream.MODE.put("alpha", "500");
        post("{\"model\":\"test/model\",\"provider\":{\"order\":[\"alpha\",\"beta\"]},\"input\":\"hi\"}").then()
                .statusCode(200).body("provider", equalTo("BETA"));
        StubUpstream.MODE.put("beta", "500");
        post("{\"model\":\"test/model\",\"models\":[\"test/claude\"],\"input\":\"hi\"}").then().statusCode(200)
                .body("model", equalTo("test/claude"));
    }

    @Test
    void midStreamFailureEndsWithResponseFailed() {
        StubUpstream.MODE.put("alpha", "cut");
        StubUpstream.MODE.put("beta", "cut");
        List<JsonNode> events = events(post(plain("test/model", true)).then().statusCode(200).extract().asString());
        sequenced(events);
        JsonNode last = events.get(events.size() - 1);
        assertEquals("response.failed", last.path("type").asText());
        assertEquals("failed", last.path("response").path("status").asText());
        assertTrue(last.path("response").path("error").path("message").asText().length() > 0);
        assertTrue(last.path("response").path("usage").has("cost"), "what was generated is billed");
    }

    @Test
    void noProviderAfterKeepalivesEndsWithErrorThenResponseFailed() {
        StubUpstream.MODE.put("alpha", "hang");
        StubUpstream.MODE.put("beta", "hang");
        String body = post("{\"model\":\"test/model\",\"stream\":true,\"provider\":{\"order\":[\"alpha\",\"beta\"],"
                + "\"allow_fallbacks\":false},\"input\":\"hi\"}").then().statusCode(200).extract().asString();
        assertTrue(body.startsWith(": OPENROUTER PROCESSING"), body);
        List<JsonNode> events = events(body);
        assertEquals(List.of("error", "response.failed"), types(events), body);
        sequenced(events);
    }

    @Test
    void refusalsAndBadInputGetTheErrorEnvelopeNeverA500() {
        Map<String, Integer> cases = new LinkedHashMap<>();
        cases.put("{not json", 400);
        cases.put("[1,2]", 400);
        cases.put("\"input\"", 400);
        cases.put("{\"model\":\"test/model\"}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":[]}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":\"\"}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":{\"role\":\"user\"}}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":[{\"type\":\"computer_call_output\",\"call_id\":\"c\"}]}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_video\"}]}]}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":[{\"role\":\"user\",\"content\":42}]}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":1}]}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":\"hi\",\"previous_response_id\":\"resp_123\"}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":\"hi\",\"store\":true}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":\"hi\",\"store\":\"yes\"}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":\"hi\",\"tools\":[{\"type\":\"file_search\",\"vector_store_ids\":[]}]}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":\"hi\",\"tools\":{}}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\"}]}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":\"hi\",\"max_output_tokens\":1.5}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":\"hi\",\"stream\":\"yes\"}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":\"hi\",\"reasoning\":\"high\"}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":\"hi\",\"text\":{\"format\":\"json\"}}", 400);
        cases.put("{\"model\":\"test/model\",\"input\":\"hi\",\"unknown_field\":true}", 400);
        cases.put("{\"model\":\"nope/nope\",\"input\":\"hi\"}", 404);
        cases.forEach((body, status) -> post(body).then().statusCode(status)
                .body("error.code", equalTo(status)).body("error.message", notNullValue()));
        post("{\"model\":\"test/model\",\"input\":\"hi\",\"previous_response_id\":\"resp_123\"}").then()
                .body("error.message", containsString("stateless"));
        post("{\"model\":\"test/model\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}").then()
                .body("error.message", containsString("web_search"));
        post("{\"model\":\"test/model\",\"input\":\"" + "x".repeat(5_000_000) + "\"}").then().statusCode(413)
                .body("error.code", equalTo(413));
        given().get("/api/v1/responses").then().statusCode(405).body("error.code", equalTo(405));
        given().contentType("application/json").body(plain("test/model", false)).post("/api/v1/responses").then()
                .statusCode(401).body("error.code", equalTo(401));
        post(plain("test/model", false)).then().statusCode(200); // still serving
    }

    /** The usage event of one generation, as metering reads it. */
    private JsonNode usageEvent(String id) throws InterruptedException {
        return Json.parse(usageEventText(id));
    }

    @Test
    void theResponsesCostIsWhatIsBilled() throws Exception {
        Response json = post(plain("test/model", false));
        JsonNode event = usageEvent(json.path("id"));
        assertEquals(0, new BigDecimal(json.path("usage.cost").toString()).compareTo(event.path("cost").decimalValue()),
                json.asString() + " vs " + event);
        assertEquals(json.<Integer>path("usage.input_tokens"), event.path("prompt_tokens").asInt());
        assertEquals("success", event.path("status").asText());

        Response streamed = post(plain("test/claude", true));
        List<JsonNode> events = events(streamed.asString());
        JsonNode usage = events.get(events.size() - 1).path("response").path("usage");
        JsonNode streamEvent = usageEvent(streamed.header("X-Generation-Id"));
        assertEquals(0, usage.path("cost").decimalValue().compareTo(streamEvent.path("cost").decimalValue()),
                usage + " vs " + streamEvent);
        assertEquals(usage.path("output_tokens").asLong(), streamEvent.path("completion_tokens").asLong());
        assertTrue(streamEvent.path("streamed").asBoolean());
    }

    @Test
    void aClientLeavingMidStreamIsBilledAsCancelled() throws Exception {
        StubUpstream.MODE.put("alpha", "slow");
        StubUpstream.MODE.put("beta", "slow");
        String body = plain("test/model", true);
        String seen = LeavingClient.streamUntil(io.restassured.RestAssured.port, "/api/v1/responses", "sk-good", body,
                " more");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("gen-\\d+-[A-Za-z0-9]{20}").matcher(seen);
        assertTrue(m.find(), seen);
        JsonNode event = usageEvent(m.group());
        assertEquals("cancelled", event.path("status").asText(), event.toString());
        assertTrue(event.path("cancelled").asBoolean());
    }

    @Test
    void officialJavaSdkResponses() {
        var client = com.openai.client.okhttp.OpenAIOkHttpClient.builder()
                .baseUrl("http://localhost:" + io.restassured.RestAssured.port + "/api/v1").apiKey("sk-sdk")
                .timeout(Duration.ofSeconds(20)).build();
        var params = com.openai.models.responses.ResponseCreateParams.builder().model("test/model").input("Say hello")
                .instructions("be brief").build();
        var response = client.responses().create(params);
        StringBuilder text = new StringBuilder();
        response.output().forEach(item -> item.message().ifPresent(msg -> msg.content()
                .forEach(c -> c.outputText().ifPresent(t -> text.append(t.text())))));
        assertEquals("Hello there", text.toString());
        assertEquals(12, response.usage().orElseThrow().totalTokens());
        StringBuilder streamed = new StringBuilder();
        boolean[] completed = { false };
        try (var stream = client.responses().createStreaming(params)) {
            stream.stream().forEach(e -> {
                e.outputTextDelta().ifPresent(d -> streamed.append(d.delta()));
                e.completed().ifPresent(c -> completed[0] = true);
            });
        }
        assertEquals("Hello there", streamed.toString());
        assertTrue(completed[0]);
    }
}
