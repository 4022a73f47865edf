package io.llmgateway.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.simulator.protocol.Signatures;
import io.llmgateway.simulator.service.TokenCounter;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reasoning answered in each protocol's own shape, with signatures and counted tokens. */
@QuarkusTest
class ReasoningTest {

    private static final String ANTHROPIC = "{\"model\":\"claude-sim\",\"max_tokens\":2048,"
            + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Why is the sky blue?\"}]";

    private static void settings(String provider, String json) {
        given().contentType("application/json").body(json).put("/sim/providers/" + provider).then().statusCode(200);
    }

    @Test
    void anthropicThinkingBlockWithSignatureBeforeText() {
        settings("rs-an", "{\"reasoning_tokens\":6,\"output_tokens\":4}");
        JsonPath json = given().contentType("application/json").body(ANTHROPIC + "}").post("/p/rs-an/v1/messages")
                .then().statusCode(200).body("content[0].type", equalTo("thinking"))
                .body("content[1].type", equalTo("text")).extract().jsonPath();
        String thinking = json.getString("content[0].thinking");
        assertEquals(6, TokenCounter.count(thinking));
        assertEquals(Signatures.thinking(thinking), json.getString("content[0].signature"));
        assertNotEquals(thinking, json.getString("content[1].text"));
        assertEquals(10, json.getInt("usage.output_tokens"));
    }

    @Test
    void anthropicThinkingStream() {
        settings("rs-an-sse", "{\"reasoning_tokens\":3,\"output_tokens\":2}");
        String body = given().contentType("application/json").body(ANTHROPIC + ",\"stream\":true}")
                .post("/p/rs-an-sse/v1/messages").then().statusCode(200).extract().asString();
        List<Sse.Event> events = Sse.parse(body);
        assertEquals(List.of("message_start", "content_block_start", "ping", "content_block_delta",
                "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop"), events.stream().map(Sse.Event::event).toList());
        JsonObject thinkingStart = events.get(1).json().getJsonObject("content_block");
        assertEquals("thinking", thinkingStart.getString("type"));
        StringBuilder thinking = new StringBuilder();
        for (Sse.Event e : events.subList(3, 6)) {
            JsonObject delta = e.json().getJsonObject("delta");
            assertEquals("thinking_delta", delta.getString("type"));
            thinking.append(delta.getString("thinking"));
        }
        JsonObject signature = events.get(6).json().getJsonObject("delta");
        assertEquals("signature_delta", signature.getString("type"));
        assertEquals(Signatures.thinking(thinking.toString()), signature.getString("signature"));
        assertEquals(1, events.get(8).json().getInteger("index"));
        assertEquals("text", events.get(8).json().getJsonObject("content_block").getString("type"));
        assertEquals(5, events.get(12).json().getJsonObject("usage").getInteger("output_tokens"));
    }

    @Test
    void geminiThoughtPartSignatureAndThoughtsTokenCount() {
        settings("rs-ge", "{\"reasoning_tokens\":5}");
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}],\"generationConfig\":"
                + "{\"thinkingConfig\":{\"includeThoughts\":true,\"thinkingBudget\":1024}}}";
        JsonPath json = given().contentType("application/json").body(body)
                .post("/p/rs-ge/v1beta/models/gemini-2.5-flash:generateContent").then().statusCode(200)
                .body("candidates[0].content.parts[0].thought", equalTo(true))
                .body("candidates[0].content.parts[1].thought", nullValue())
                .body("candidates[0].content.parts[1].thoughtSignature", equalTo(Signatures.geminiText()))
                .body("usageMetadata.thoughtsTokenCount", equalTo(5))
                .body("usageMetadata.candidatesTokenCount", equalTo(16)).extract().jsonPath();
        assertEquals(5, TokenCounter.count(json.getString("candidates[0].content.parts[0].text")));
        int prompt = json.getInt("usageMetadata.promptTokenCount");
        assertEquals(prompt + 16 + 5, json.getInt("usageMetadata.totalTokenCount"));

        // thinkingBudget without includeThoughts: thinking counted, not shown
        given().contentType("application/json").body(body.replace("\"includeThoughts\":true,", ""))
                .post("/p/rs-ge/v1beta/models/gemini-2.5-flash:generateContent").then().statusCode(200)
                .body("candidates[0].content.parts[0].thought", nullValue())
                .body("usageMetadata.thoughtsTokenCount", equalTo(5));
        // thinkingBudget 0 turns it off
        given().contentType("application/json").body(body.replace("\"includeThoughts\":true,\"thinkingBudget\":1024",
                "\"thinkingBudget\":0")).post("/p/rs-ge/v1beta/models/gemini-2.5-flash:generateContent").then()
                .statusCode(200).body("usageMetadata.thoughtsTokenCount", nullValue());
    }

    @Test
    void geminiStreamSendsThoughtsFirst() {
        settings("rs-ge-sse", "{\"reasoning_tokens\":2,\"output_tokens\":2}");
        String body = given().contentType("application/json").body("{\"contents\":[{\"role\":\"user\",\"parts\":"
                + "[{\"text\":\"Hi\"}]}],\"generationConfig\":{\"thinkingConfig\":{\"includeThoughts\":true}}}")
                .post("/p/rs-ge-sse/v1beta/models/g:streamGenerateContent?alt=sse").then().statusCode(200).extract()
                .asString();
        List<Sse.Event> events = Sse.parse(body);
        assertEquals(5, events.size());
        assertTrue(events.get(0).json().getJsonArray("candidates").getJsonObject(0).getJsonObject("content")
                .getJsonArray("parts").getJsonObject(0).getBoolean("thought"));
        JsonObject last = events.get(4).json();
        assertEquals(2, last.getJsonObject("usageMetadata").getInteger("thoughtsTokenCount"));
        assertEquals(Signatures.geminiText(), last.getJsonArray("candidates").getJsonObject(0)
                .getJsonObject("content").getJsonArray("parts").getJsonObject(0).getString("thoughtSignature"));
    }

    @Test
    void openAiReasoningTextAndReasoningTokens() {
        settings("rs-oa", "{\"reasoning_tokens\":7,\"output_tokens\":3}");
        String chat = "{\"model\":\"o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
        JsonPath json = given().contentType("application/json").body(chat + ",\"reasoning_effort\":\"low\"}")
                .post("/p/rs-oa/v1/chat/completions").then().statusCode(200)
                .body("usage.completion_tokens", equalTo(10))
                .body("usage.completion_tokens_details.reasoning_tokens", equalTo(7)).extract().jsonPath();
        assertEquals(7, TokenCounter.count(json.getString("choices[0].message.reasoning")));
        assertEquals(json.getInt("usage.prompt_tokens") + 10, json.getInt("usage.total_tokens"));

        // OpenRouter's form: max_tokens caps the reasoning, exclude hides the text but it is still counted
        given().contentType("application/json")
                .body(chat + ",\"reasoning\":{\"max_tokens\":4,\"exclude\":true}}").post("/p/rs-oa/v1/chat/completions")
                .then().statusCode(200).body("choices[0].message.reasoning", nullValue())
                .body("usage.completion_tokens_details.reasoning_tokens", equalTo(4));
        given().contentType("application/json").body(chat + "}").post("/p/rs-oa/v1/chat/completions").then()
                .statusCode(200).body("usage.completion_tokens_details", nullValue())
                .body("choices[0].message.reasoning", nullValue());
        given().contentType("application/json").body(chat + ",\"reasoning_effort\":\"extreme\"}")
                .post("/p/rs-oa/v1/chat/completions").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"));

        String stream = given().contentType("application/json")
                .body(chat + ",\"reasoning\":{\"effort\":\"high\"},\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true}}")
                .post("/p/rs-oa/v1/chat/completions").then().statusCode(200).extract().asString();
        StringBuilder reasoning = new StringBuilder();
        int reasoningEvents = 0;
        for (Sse.Event e : Sse.parse(stream)) {
            if (!e.data().equals("[DONE]") && !e.json().getJsonArray("choices").isEmpty()) {
                JsonObject delta = e.json().getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
                if (delta.containsKey("reasoning")) {
                    reasoning.append(delta.getString("reasoning"));
                    reasoningEvents++;
                }
            }
        }
        assertEquals(7, reasoningEvents);
        assertEquals(7, TokenCounter.count(reasoning.toString()));
    }
}
