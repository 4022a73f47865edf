package io.llmgateway.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.simulator.service.TokenCounter;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

/** Cache usage per provider: written on first sight of a prefix, read on repeat, forgotten on reset. */
@QuarkusTest
class CacheUsageTest {

    private static final String SYSTEM = "You are a careful assistant who answers questions about the sea.";
    private static final String QUESTION = "How deep is the ocean?";

    private static String anthropic(String question) {
        return "{\"model\":\"claude-sim\",\"max_tokens\":100,\"system\":[{\"type\":\"text\",\"text\":\"" + SYSTEM
                + "\",\"cache_control\":{\"type\":\"ephemeral\"}}],\"messages\":[{\"role\":\"user\",\"content\":\""
                + question + "\"}]}";
    }

    private static JsonPath post(String path, String body) {
        return given().contentType("application/json").body(body).post(path).then().statusCode(200).extract()
                .jsonPath();
    }

    @Test
    void anthropicCacheControlWritesThenReads() {
        int system = TokenCounter.count(SYSTEM);
        int question = TokenCounter.count(QUESTION);
        JsonPath first = post("/p/ca-an/v1/messages", anthropic(QUESTION));
        assertEquals(system, first.getInt("usage.cache_creation_input_tokens"));
        assertEquals(0, first.getInt("usage.cache_read_input_tokens"));
        assertEquals(question, first.getInt("usage.input_tokens"));

        JsonPath second = post("/p/ca-an/v1/messages", anthropic("And how cold is it?"));
        assertEquals(0, second.getInt("usage.cache_creation_input_tokens"));
        assertEquals(system, second.getInt("usage.cache_read_input_tokens"));
        assertEquals(TokenCounter.count("And how cold is it?"), second.getInt("usage.input_tokens"));

        // another provider has its own cache; a reset forgets it
        assertEquals(system, post("/p/ca-an-other/v1/messages", anthropic(QUESTION))
                .getInt("usage.cache_creation_input_tokens"));
        given().delete("/sim/providers/ca-an").then().statusCode(204);
        assertEquals(system, post("/p/ca-an/v1/messages", anthropic(QUESTION))
                .getInt("usage.cache_creation_input_tokens"));
    }

    @Test
    void anthropicTopLevelCacheControlCachesTheWholePrompt() {
        String body = "{\"model\":\"c\",\"max_tokens\":10,\"cache_control\":{\"type\":\"ephemeral\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION + "\"}]}";
        int question = TokenCounter.count(QUESTION);
        post("/p/ca-an-auto/v1/messages", body);
        JsonPath second = post("/p/ca-an-auto/v1/messages", body);
        assertEquals(question, second.getInt("usage.cache_read_input_tokens"));
        assertEquals(0, second.getInt("usage.input_tokens"));
        // no cache_control at all: no cache fields
        given().contentType("application/json").body(body.replace("\"cache_control\":{\"type\":\"ephemeral\"},", ""))
                .post("/p/ca-an-auto/v1/messages").then().statusCode(200)
                .body("usage.cache_read_input_tokens", nullValue());
    }

    @Test
    void anthropicStreamCarriesCacheUsage() {
        post("/p/ca-an-sse/v1/messages", anthropic(QUESTION));
        String body = given().contentType("application/json")
                .body(anthropic(QUESTION).replace("\"max_tokens\":100,", "\"max_tokens\":100,\"stream\":true,"))
                .post("/p/ca-an-sse/v1/messages").then().statusCode(200).extract().asString();
        var events = Sse.parse(body);
        assertEquals(TokenCounter.count(SYSTEM), events.get(0).json().getJsonObject("message")
                .getJsonObject("usage").getInteger("cache_read_input_tokens"));
        assertEquals(TokenCounter.count(SYSTEM), events.get(events.size() - 2).json().getJsonObject("usage")
                .getInteger("cache_read_input_tokens"));
    }

    @Test
    void openAiReportsCachedTokensOfARepeatedPrefix() {
        String first = "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"" + SYSTEM + "\"},"
                + "{\"role\":\"user\",\"content\":\"" + QUESTION + "\"}]}";
        // below the default 1024-token minimum nothing is cached
        post("/p/ca-oa/v1/chat/completions", first);
        given().contentType("application/json").body(first).post("/p/ca-oa/v1/chat/completions").then()
                .body("usage.prompt_tokens_details", nullValue());

        given().contentType("application/json").body("{\"implicit_cache_min_tokens\":1}").put("/sim/providers/ca-oa")
                .then().statusCode(200);
        post("/p/ca-oa/v1/chat/completions", first);
        JsonPath again = post("/p/ca-oa/v1/chat/completions", first.replace(QUESTION, "Is it cold?"));
        assertEquals(TokenCounter.count(SYSTEM), again.getInt("usage.prompt_tokens_details.cached_tokens"));
        assertEquals(TokenCounter.count(SYSTEM) + TokenCounter.count("Is it cold?"), again.getInt("usage.prompt_tokens"));
    }

    @Test
    void geminiReportsCachedContentTokenCount() {
        given().contentType("application/json").body("{\"implicit_cache_min_tokens\":1}").put("/sim/providers/ca-ge")
                .then().statusCode(200);
        String body = "{\"systemInstruction\":{\"parts\":[{\"text\":\"" + SYSTEM + "\"}]},\"contents\":[{\"role\":"
                + "\"user\",\"parts\":[{\"text\":\"" + QUESTION + "\"}]}]}";
        given().contentType("application/json").body(body).post("/p/ca-ge/v1beta/models/g:generateContent").then()
                .statusCode(200).body("usageMetadata.cachedContentTokenCount", nullValue());
        JsonPath again = post("/p/ca-ge/v1beta/models/g:generateContent", body);
        assertEquals(TokenCounter.count(SYSTEM) + TokenCounter.count(QUESTION),
                again.getInt("usageMetadata.cachedContentTokenCount"));
        assertEquals(again.getInt("usageMetadata.cachedContentTokenCount"), again.getInt("usageMetadata.promptTokenCount"));
    }
}
