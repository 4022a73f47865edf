package io.llmgateway.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.llmgateway.simulator.service.TokenCounter;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class GeminiProtocolTest {

    private static final String BODY = "{\"systemInstruction\":{\"parts\":[{\"text\":\"Be kind.\"}]},"
            + "\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"What is the capital of France?\"}]}]";

    @Test
    void generateContentJson() {
        JsonPath json = given().contentType("application/json").body(BODY + "}")
                .post("/p/ge-json/v1beta/models/gemini-sim-1.5:generateContent").then().statusCode(200)
                .body("candidates[0].content.role", equalTo("model"))
                .body("candidates[0].finishReason", equalTo("STOP"))
                .body("modelVersion", equalTo("gemini-sim-1.5")).extract().jsonPath();
        int prompt = TokenCounter.count("Be kind.") + TokenCounter.count("What is the capital of France?");
        assertEquals(prompt, json.getInt("usageMetadata.promptTokenCount"));
        assertEquals(16, json.getInt("usageMetadata.candidatesTokenCount"));
        assertEquals(prompt + 16, json.getInt("usageMetadata.totalTokenCount"));
        assertEquals(16, TokenCounter.count(json.getString("candidates[0].content.parts[0].text")));
        given().get("/sim/providers/ge-json/stats").then().body("requests[0].model", equalTo("gemini-sim-1.5"));
    }

    @Test
    void maxOutputTokens() {
        given().contentType("application/json").body(BODY + ",\"generationConfig\":{\"maxOutputTokens\":2}}")
                .post("/p/ge-cap/v1beta/models/g:generateContent").then().statusCode(200)
                .body("candidates[0].finishReason", equalTo("MAX_TOKENS"))
                .body("usageMetadata.candidatesTokenCount", equalTo(2));
    }

    @Test
    void streamGenerateContentSse() {
        given().contentType("application/json").body("{\"output_tokens\":6,\"chunk_tokens\":3}")
                .put("/sim/providers/ge-sse").then().statusCode(200);
        String body = given().contentType("application/json").body(BODY + "}")
                .post("/p/ge-sse/v1beta/models/gemini-sim:streamGenerateContent?alt=sse").then().statusCode(200)
                .header("content-type", "text/event-stream").extract().asString();
        List<Sse.Event> events = Sse.parse(body);
        assertEquals(3, events.size());
        StringBuilder text = new StringBuilder();
        for (Sse.Event e : events) {
            JsonObject candidate = e.json().getJsonArray("candidates").getJsonObject(0);
            text.append(candidate.getJsonObject("content").getJsonArray("parts").getJsonObject(0).getString("text"));
        }
        assertNull(events.get(0).json().getJsonArray("candidates").getJsonObject(0).getString("finishReason"));
        JsonObject last = events.get(2).json();
        assertEquals("STOP", last.getJsonArray("candidates").getJsonObject(0).getString("finishReason"));
        assertEquals(TokenCounter.count(text.toString()), last.getJsonObject("usageMetadata")
                .getInteger("candidatesTokenCount"));
        assertEquals(6, last.getJsonObject("usageMetadata").getInteger("candidatesTokenCount"));
    }

    @Test
    void functionCallParts() {
        String tools = ",\"tools\":[{\"functionDeclarations\":[{\"name\":\"find_city\",\"parameters\":"
                + "{\"type\":\"OBJECT\",\"properties\":{\"country\":{\"type\":\"STRING\"}}}}]}]";
        given().contentType("application/json").body(BODY + tools + "}")
                .post("/p/ge-tools/v1beta/models/g:generateContent").then().statusCode(200)
                .body("candidates[0].content.parts[0].functionCall.name", equalTo("find_city"))
                .body("candidates[0].content.parts[0].functionCall.args.country", equalTo("sample"))
                .body("candidates[0].finishReason", equalTo("STOP"));
        String body = given().contentType("application/json").body(BODY + tools + "}")
                .post("/p/ge-tools/v1beta/models/g:streamGenerateContent?alt=sse").then().statusCode(200)
                .extract().asString();
        List<Sse.Event> events = Sse.parse(body);
        assertEquals("find_city", events.get(0).json().getJsonArray("candidates").getJsonObject(0)
                .getJsonObject("content").getJsonArray("parts").getJsonObject(0).getJsonObject("functionCall")
                .getString("name"));
        given().contentType("application/json")
                .body(BODY + tools + ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"NONE\"}}}")
                .post("/p/ge-tools/v1beta/models/g:generateContent").then().statusCode(200)
                .body("candidates[0].content.parts[0].text", org.hamcrest.Matchers.notNullValue());
        assertFalse(events.isEmpty());
    }

    @Test
    void errorsInGeminiShape() {
        given().contentType("application/json").body("{}").post("/p/ge-err/v1beta/models/g:generateContent").then()
                .statusCode(400).body("error.code", equalTo(400)).body("error.status", equalTo("INVALID_ARGUMENT"))
                .body("error.message", equalTo("contents is required"));
        given().contentType("application/json").body("{\"fault\":{\"type\":\"status:429\",\"retry_after_s\":-1}}")
                .put("/sim/providers/ge-err").then().statusCode(200);
        given().contentType("application/json").body(BODY + "}").post("/p/ge-err/v1beta/models/g:generateContent")
                .then().statusCode(429).header("Retry-After", org.hamcrest.Matchers.nullValue())
                .body("error.status", equalTo("RESOURCE_EXHAUSTED"));
    }
}
