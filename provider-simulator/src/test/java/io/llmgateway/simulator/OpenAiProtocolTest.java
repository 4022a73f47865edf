package io.llmgateway.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.simulator.service.TokenCounter;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OpenAiProtocolTest {

    private static final String PROMPT = "Tell me a story about a dragon who learned to bake bread.";

    private static String chat(String extra) {
        return "{\"model\":\"sim/gpt\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]" + extra + "}";
    }

    @Test
    void chatJsonHasRealTokenCountsAndEchoesModel() {
        JsonPath json = given().contentType("application/json").body(chat(""))
                .post("/p/oa-json/v1/chat/completions").then().statusCode(200)
                .body("object", equalTo("chat.completion")).body("model", equalTo("sim/gpt"))
                .body("choices[0].message.role", equalTo("assistant"))
                .body("choices[0].finish_reason", equalTo("stop")).extract().jsonPath();
        String content = json.getString("choices[0].message.content");
        int prompt = TokenCounter.count("Be brief.") + TokenCounter.count(PROMPT);
        assertEquals(prompt, json.getInt("usage.prompt_tokens"));
        assertEquals(16, TokenCounter.count(content));
        assertEquals(16, json.getInt("usage.completion_tokens"));
        assertEquals(prompt + 16, json.getInt("usage.total_tokens"));
    }

    @Test
    void maxTokensCapsOutputWithLengthFinish() {
        JsonPath json = given().contentType("application/json").body(chat(",\"max_completion_tokens\":5"))
                .post("/p/oa-cap/v1/chat/completions").then().statusCode(200)
                .body("choices[0].finish_reason", equalTo("length")).extract().jsonPath();
        assertEquals(5, json.getInt("usage.completion_tokens"));
        assertEquals(5, TokenCounter.count(json.getString("choices[0].message.content")));
    }

    @Test
    void chatStreamSendsRoleContentFinishUsageDone() {
        given().contentType("application/json").body("{\"output_tokens\":7,\"chunk_tokens\":2}")
                .put("/sim/providers/oa-sse").then().statusCode(200);
        String body = given().contentType("application/json")
                .body(chat(",\"stream\":true,\"stream_options\":{\"include_usage\":true}"))
                .post("/p/oa-sse/v1/chat/completions").then().statusCode(200)
                .header("content-type", "text/event-stream").extract().asString();
        List<Sse.Event> events = Sse.parse(body);
        assertEquals("[DONE]", events.get(events.size() - 1).data());
        JsonObject first = events.get(0).json();
        assertEquals("assistant", first.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("role"));
        StringBuilder text = new StringBuilder();
        int contentChunks = 0;
        for (Sse.Event e : events.subList(1, events.size() - 3)) {
            JsonObject chunk = e.json();
            assertEquals("chat.completion.chunk", chunk.getString("object"));
            assertEquals("sim/gpt", chunk.getString("model"));
            text.append(chunk.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("content"));
            contentChunks++;
        }
        assertEquals(4, contentChunks); // 7 tokens in chunks of 2
        JsonObject finish = events.get(events.size() - 3).json();
        assertEquals("stop", finish.getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
        JsonObject usage = events.get(events.size() - 2).json();
        assertTrue(usage.getJsonArray("choices").isEmpty());
        assertEquals(7, usage.getJsonObject("usage").getInteger("completion_tokens"));
        assertEquals(TokenCounter.count(text.toString()), usage.getJsonObject("usage").getInteger("completion_tokens"));
    }

    @Test
    void streamWithoutIncludeUsageHasNoUsageChunk() {
        String body = given().contentType("application/json").body(chat(",\"stream\":true"))
                .post("/p/oa-nousage/v1/chat/completions").then().statusCode(200).extract().asString();
        List<Sse.Event> events = Sse.parse(body);
        assertEquals(1 + 16 + 1 + 1, events.size());
        assertTrue(events.stream().noneMatch(e -> e.data().contains("\"usage\"")));
    }

    @Test
    void toolCallAnswersFirstToolWithJsonArguments() {
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
                + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"},"
                + "\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}}}}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"other\"}}]";
        JsonPath json = given().contentType("application/json").body(chat(tools))
                .post("/p/oa-tools/v1/chat/completions").then().statusCode(200)
                .body("choices[0].finish_reason", equalTo("tool_calls"))
                .body("choices[0].message.content", nullValue())
                .body("choices[0].message.tool_calls[0].type", equalTo("function"))
                .body("choices[0].message.tool_calls[0].function.name", equalTo("get_weather")).extract().jsonPath();
        String args = json.getString("choices[0].message.tool_calls[0].function.arguments");
        JsonObject parsed = new JsonObject(args);
        assertEquals("celsius", parsed.getString("unit"));
        assertEquals(1, parsed.getInteger("days"));
        assertEquals(TokenCounter.count(args), json.getInt("usage.completion_tokens"));

        String none = given().contentType("application/json").body(chat(tools + ",\"tool_choice\":\"none\""))
                .post("/p/oa-tools/v1/chat/completions").then().statusCode(200).extract().asString();
        assertEquals("stop", new JsonObject(none).getJsonArray("choices").getJsonObject(0).getString("finish_reason"));

        String body = given().contentType("application/json").body(chat(tools + ",\"stream\":true"))
                .post("/p/oa-tools/v1/chat/completions").then().statusCode(200).extract().asString();
        List<Sse.Event> events = Sse.parse(body);
        StringBuilder streamed = new StringBuilder();
        String name = null;
        for (Sse.Event e : events.subList(0, events.size() - 1)) {
            JsonObject choice = e.json().getJsonArray("choices").getJsonObject(0);
            JsonArray calls = choice.getJsonObject("delta").getJsonArray("tool_calls");
            if (calls != null) {
                JsonObject f = calls.getJsonObject(0).getJsonObject("function");
                name = f.getString("name", name);
                streamed.append(f.getString("arguments", ""));
            }
        }
        assertEquals("get_weather", name);
        assertEquals(args, streamed.toString());
        assertEquals("tool_calls", events.get(events.size() - 2).json().getJsonArray("choices").getJsonObject(0)
                .getString("finish_reason"));
    }

    @Test
    void legacyCompletionsJsonAndStream() {
        String prompt = "Once upon a time";
        JsonPath json = given().contentType("application/json")
                .body("{\"model\":\"sim/davinci\",\"prompt\":\"" + prompt + "\",\"max_tokens\":3}")
                .post("/p/oa-legacy/v1/completions").then().statusCode(200)
                .body("object", equalTo("text_completion")).body("choices[0].finish_reason", equalTo("length"))
                .extract().jsonPath();
        assertEquals(TokenCounter.count(prompt), json.getInt("usage.prompt_tokens"));
        assertEquals(3, TokenCounter.count(json.getString("choices[0].text")));

        String body = given().contentType("application/json")
                .body("{\"model\":\"sim/davinci\",\"prompt\":[\"a\",\"b\"],\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true}}")
                .post("/p/oa-legacy/v1/completions").then().statusCode(200).extract().asString();
        List<Sse.Event> events = Sse.parse(body);
        assertEquals("[DONE]", events.get(events.size() - 1).data());
        assertEquals("text_completion", events.get(0).json().getString("object"));
        assertEquals(2, events.get(events.size() - 2).json().getJsonObject("usage").getInteger("prompt_tokens"));
    }

    @Test
    void badRequestsGetOpenAiErrorShape() {
        given().contentType("application/json").body("{\"messages\":[]}").post("/p/oa-bad/v1/chat/completions")
                .then().statusCode(400).body("error.type", equalTo("invalid_request_error"))
                .body("error.message", equalTo("model is required"));
        given().contentType("application/json").body("not json").post("/p/oa-bad/v1/chat/completions")
                .then().statusCode(400).body("error.message", equalTo("request body is not a valid JSON object"));
        given().contentType("application/json").body("{\"model\":\"m\",\"messages\":[],\"stream\":\"yes\"}")
                .post("/p/oa-bad/v1/chat/completions").then().statusCode(400)
                .body("error.message", equalTo("stream must be a boolean"));
        assertNull(null);
    }
}
