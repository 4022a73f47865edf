package io.llmgateway.routing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streamed reasoning through the Messages and Responses routes, from Anthropic and Gemini endpoints of
 * the real simulator: the stream puts back together into a signed thinking block (Messages) or a
 * reasoning item with its encrypted content (Responses), and the client's next turn, sent back as the
 * SDKs do, reaches the provider with the signature intact. The simulator refuses a thinking turn whose
 * signature is missing, so the second turn's 200 is the proof; the provider's recorded request is
 * checked too.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
@WithTestResource(StubUpstream.class)
class ReasoningStreamsTest extends GatewayTest {

    static final String QUESTION = "What is the weather in Paris?";
    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";

    @BeforeEach
    void freshSimulator() {
        Simulator.requireFresh();
    }

    static Response post(String path, String body) {
        return given().header("Authorization", "Bearer sk-good").contentType("application/json").body(body)
                .post("/api/v1/" + path);
    }

    /** The data of each SSE event, in order. */
    static List<JsonNode> events(String sse) {
        List<JsonNode> events = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(TranslationFidelityTest.tree(line.substring(6)));
            }
        }
        return events;
    }

    // ---------------------------------------------------------------- Messages

    static String messagesTurn(String model, String history) {
        return """
                {"model":"%s","max_tokens":4000,"stream":true,"thinking":{"type":"enabled","budget_tokens":1024},
                 "tools":[{"name":"get_weather","description":"weather of a city","input_schema":%s}],
                 "messages":[{"role":"user","content":"%s"}%s]}""".formatted(model, SCHEMA, QUESTION, history);
    }

    /** A Messages stream put back together as the Anthropic SDK does: blocks by index, deltas appended. */
    static ArrayNode blocks(List<JsonNode> events) {
        Map<Integer, ObjectNode> blocks = new HashMap<>();
        Map<Integer, StringBuilder> json = new HashMap<>();
        int signatureDeltas = 0;
        for (JsonNode e : events) {
            int i = e.path("index").asInt();
            switch (e.path("type").asText()) {
                case "content_block_start" -> blocks.put(i, e.get("content_block").deepCopy());
                case "content_block_delta" -> {
                    ObjectNode b = blocks.get(i);
                    JsonNode d = e.get("delta");
                    switch (d.path("type").asText()) {
                        case "thinking_delta" -> b.put("thinking", b.path("thinking").asText() + d.path("thinking").asText());
                        case "signature_delta" -> {
                            b.put("signature", b.path("signature").asText() + d.path("signature").asText());
                            signatureDeltas++;
                        }
                        case "text_delta" -> b.put("text", b.path("text").asText() + d.path("text").asText());
                        case "input_json_delta" -> json.computeIfAbsent(i, x -> new StringBuilder())
                                .append(d.path("partial_json").asText());
                        default -> throw new AssertionError("unknown delta " + d);
                    }
                }
                default -> { }
            }
        }
        ArrayNode out = Json.NODES.arrayNode();
        for (int i = 0; i < blocks.size(); i++) {
            ObjectNode b = blocks.get(i);
            if (json.containsKey(i)) {
                b.set("input", Json.parse(json.get(i).toString()));
            }
            out.add(b);
        }
        long thinkingBlocks = out.findValues("type").stream().filter(t -> t.asText().equals("thinking")).count();
        assertEquals(thinkingBlocks, signatureDeltas, "one signature_delta per thinking block: " + out);
        return out;
    }

    /** Turn one streams thinking and a tool call; turn two sends those blocks back with the tool's result. */
    static ArrayNode messagesLoop(String model) {
        Response first = post("messages", messagesTurn(model, ""));
        assertEquals(200, first.statusCode(), first.asString());
        ArrayNode content = blocks(events(first.asString()));
        JsonNode thinking = content.get(0);
        assertEquals("thinking", thinking.path("type").asText(), content.toString());
        assertFalse(thinking.path("thinking").asText().isEmpty(), content.toString());
        assertFalse(thinking.path("signature").asText().isEmpty(), content.toString());
        JsonNode use = content.get(content.size() - 1);
        assertEquals("tool_use", use.path("type").asText(), content.toString());
        Response second = post("messages", messagesTurn(model, secondTurn(content, use)));
        assertEquals(200, second.statusCode(), second.asString());
        return content;
    }

    static String secondTurn(ArrayNode content, JsonNode use) {
        return ",{\"role\":\"assistant\",\"content\":" + content + "},{\"role\":\"user\",\"content\":[{\"type\":"
                + "\"tool_result\",\"tool_use_id\":\"" + use.path("id").asText() + "\",\"content\":\"21C\"}]}";
    }

    @Test
    void messagesStreamFromAnthropicIsASignedThinkingBlockThatGoesBackWhole() {
        ArrayNode content = messagesLoop("sim/fid-claude");
        JsonNode replayed = TranslationFidelityTest.sent("sim-claude").path("body").path("messages").get(1)
                .path("content").get(0);
        assertEquals("thinking", replayed.path("type").asText(), replayed.toString());
        assertEquals(content.get(0).path("signature").asText(), replayed.path("signature").asText());
        assertEquals(content.get(0).path("thinking").asText(), replayed.path("thinking").asText());
    }

    @Test
    void messagesStreamFromGeminiCarriesTheThoughtSignatureToTheNextTurn() {
        ArrayNode content = messagesLoop("sim/fid-gemini");
        JsonNode call = functionCallPart(TranslationFidelityTest.sent("sim-gemini"));
        assertFalse(call.path("thoughtSignature").asText().isEmpty(), call.toString());
        // without the block that carries it, the provider refuses the turn: the signature was what passed
        ArrayNode stripped = Json.NODES.arrayNode();
        content.forEach(b -> {
            if (!b.path("type").asText().equals("redacted_thinking")) {
                stripped.add(b);
            }
        });
        Response refused = post("messages", messagesTurn("sim/fid-gemini",
                secondTurn(stripped, content.get(content.size() - 1))));
        assertTrue(refused.statusCode() >= 400, refused.asString());
    }

    static JsonNode functionCallPart(JsonNode sent) {
        for (JsonNode part : sent.path("body").path("contents").get(1).path("parts")) {
            if (part.has("functionCall")) {
                return part;
            }
        }
        throw new AssertionError("no functionCall replayed: " + sent);
    }

    // ---------------------------------------------------------------- Responses

    static String responsesTurn(String model, String history) {
        return """
                {"model":"%s","max_output_tokens":4000,"stream":true,"reasoning":{"effort":"medium"},
                 "tools":[{"type":"function","name":"get_weather","description":"weather of a city","parameters":%s}],
                 "input":[{"role":"user","content":"%s"}%s]}""".formatted(model, SCHEMA, QUESTION, history);
    }

    /** Turn one streams a reasoning item and a function call; turn two sends the output items back. */
    static List<JsonNode> responsesLoop(String model) {
        Response first = post("responses", responsesTurn(model, ""));
        assertEquals(200, first.statusCode(), first.asString());
        List<JsonNode> events = events(first.asString());
        List<JsonNode> items = new ArrayList<>();
        for (JsonNode e : events) {
            if (e.path("type").asText().equals("response.output_item.done")) {
                items.add(e.get("item"));
            }
        }
        JsonNode completed = events.get(events.size() - 1);
        assertEquals("response.completed", completed.path("type").asText(), completed.toString());
        assertEquals(Json.NODES.arrayNode().addAll(items), completed.path("response").path("output"));
        JsonNode reasoning = items.get(0);
        assertEquals("reasoning", reasoning.path("type").asText(), items.toString());
        assertFalse(reasoning.path("summary").path(0).path("text").asText().isEmpty(), reasoning.toString());
        assertFalse(reasoning.path("encrypted_content").asText().isEmpty(), reasoning.toString());
        JsonNode call = items.get(items.size() - 1);
        assertEquals("function_call", call.path("type").asText(), items.toString());
        StringBuilder history = new StringBuilder();
        items.forEach(i -> history.append(',').append(i));
        history.append(",{\"type\":\"function_call_output\",\"call_id\":\"").append(call.path("call_id").asText())
                .append("\",\"output\":\"{\\\"temp\\\":21}\"}");
        Response second = post("responses", responsesTurn(model, history.toString()));
        assertEquals(200, second.statusCode(), second.asString());
        return items;
    }

    @Test
    void responsesStreamFromAnthropicIsAReasoningItemWhoseEncryptedContentSignsTheNextTurn() {
        List<JsonNode> items = responsesLoop("sim/fid-claude");
        JsonNode replayed = TranslationFidelityTest.sent("sim-claude").path("body").path("messages").get(1)
                .path("content").get(0);
        assertEquals("thinking", replayed.path("type").asText(), replayed.toString());
        assertFalse(replayed.path("signature").asText().isEmpty(), replayed.toString());
        assertEquals(items.get(0).path("summary").path(0).path("text").asText(), replayed.path("thinking").asText());
    }

    @Test
    void responsesStreamFromGeminiCarriesTheThoughtSignatureToTheNextTurn() {
        responsesLoop("sim/fid-gemini");
        JsonNode call = functionCallPart(TranslationFidelityTest.sent("sim-gemini"));
        assertFalse(call.path("thoughtSignature").asText().isEmpty(), call.toString());
    }
}
