package io.llmgateway.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.simulator.service.TokenCounter;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AnthropicProtocolTest {

    private static final String BODY = "{\"model\":\"claude-sim\",\"max_tokens\":100,\"system\":\"You are terse.\","
            + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Say something nice.\"}]}]";

    @Test
    void messageJsonWithUsage() {
        JsonPath json = given().contentType("application/json").body(BODY + "}").post("/p/an-json/v1/messages")
                .then().statusCode(200).body("type", equalTo("message")).body("role", equalTo("assistant"))
                .body("model", equalTo("claude-sim")).body("content[0].type", equalTo("text"))
                .body("stop_reason", equalTo("end_turn")).extract().jsonPath();
        assertEquals(TokenCounter.count("You are terse.") + TokenCounter.count("Say something nice."),
                json.getInt("usage.input_tokens"));
        assertEquals(16, json.getInt("usage.output_tokens"));
        assertEquals(16, TokenCounter.count(json.getString("content[0].text")));
    }

    @Test
    void maxTokensStopReason() {
        given().contentType("application/json").body(BODY.replace("\"max_tokens\":100", "\"max_tokens\":4") + "}")
                .post("/p/an-cap/v1/messages").then().statusCode(200).body("stop_reason", equalTo("max_tokens"))
                .body("usage.output_tokens", equalTo(4));
    }

    @Test
    void streamHasTheRealEventSequence() {
        given().contentType("application/json").body("{\"output_tokens\":5}").put("/sim/providers/an-sse").then()
                .statusCode(200);
        String body = given().contentType("application/json").body(BODY + ",\"stream\":true}")
                .post("/p/an-sse/v1/messages").then().statusCode(200).header("content-type", "text/event-stream")
                .extract().asString();
        List<Sse.Event> events = Sse.parse(body);
        List<String> names = events.stream().map(Sse.Event::event).toList();
        assertEquals(List.of("message_start", "content_block_start", "ping", "content_block_delta",
                "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop"), names);
        for (Sse.Event e : events) {
            assertEquals(e.event(), e.json().getString("type"));
        }
        assertEquals("claude-sim", events.get(0).json().getJsonObject("message").getString("model"));
        StringBuilder text = new StringBuilder();
        for (Sse.Event e : events.subList(3, 8)) {
            JsonObject delta = e.json().getJsonObject("delta");
            assertEquals("text_delta", delta.getString("type"));
            text.append(delta.getString("text"));
        }
        JsonObject messageDelta = events.get(9).json();
        assertEquals("end_turn", messageDelta.getJsonObject("delta").getString("stop_reason"));
        assertEquals(TokenCounter.count(text.toString()), messageDelta.getJsonObject("usage").getInteger("output_tokens"));
    }

    @Test
    void toolUseJsonAndStream() {
        String tools = ",\"tools\":[{\"name\":\"lookup\",\"input_schema\":{\"type\":\"object\",\"properties\":"
                + "{\"q\":{\"type\":\"string\"},\"exact\":{\"type\":\"boolean\"}}}}]";
        JsonPath json = given().contentType("application/json").body(BODY + tools + "}").post("/p/an-tools/v1/messages")
                .then().statusCode(200).body("stop_reason", equalTo("tool_use"))
                .body("content[0].type", equalTo("tool_use")).body("content[0].name", equalTo("lookup"))
                .body("content[0].input.q", equalTo("sample")).body("content[0].input.exact", equalTo(true))
                .extract().jsonPath();
        assertEquals(TokenCounter.count("{\"q\":\"sample\",\"exact\":true}"), json.getInt("usage.output_tokens"));

        String body = given().contentType("application/json").body(BODY + tools + ",\"stream\":true}")
                .post("/p/an-tools/v1/messages").then().statusCode(200).extract().asString();
        List<Sse.Event> events = Sse.parse(body);
        assertEquals("tool_use", events.get(1).json().getJsonObject("content_block").getString("type"));
        StringBuilder partial = new StringBuilder();
        for (Sse.Event e : events) {
            if ("content_block_delta".equals(e.event())) {
                JsonObject delta = e.json().getJsonObject("delta");
                assertEquals("input_json_delta", delta.getString("type"));
                partial.append(delta.getString("partial_json"));
            }
        }
        assertEquals(new JsonObject().put("q", "sample").put("exact", true), new JsonObject(partial.toString()));
        JsonObject messageDelta = events.get(events.size() - 2).json();
        assertEquals("tool_use", messageDelta.getJsonObject("delta").getString("stop_reason"));

        given().contentType("application/json").body(BODY + tools + ",\"tool_choice\":{\"type\":\"none\"}}")
                .post("/p/an-tools/v1/messages").then().statusCode(200).body("stop_reason", equalTo("end_turn"));
    }

    @Test
    void errorsInAnthropicShape() {
        given().contentType("application/json").body("{\"model\":\"claude-sim\"}").post("/p/an-err/v1/messages")
                .then().statusCode(400).body("type", equalTo("error"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", equalTo("messages is required"));
        given().contentType("application/json").body("{\"fault\":\"status:529\"}").put("/sim/providers/an-err").then()
                .statusCode(200);
        given().contentType("application/json").body(BODY + "}").post("/p/an-err/v1/messages").then()
                .statusCode(529).body("type", equalTo("error")).body("error.type", equalTo("overloaded_error"));
    }
}
