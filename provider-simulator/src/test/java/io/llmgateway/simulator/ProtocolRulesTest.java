package io.llmgateway.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Rules real providers enforce, answered with their status and error shape. */
@QuarkusTest
class ProtocolRulesTest {

    private static final JsonObject TOOL = new JsonObject().put("name", "lookup").put("input_schema",
            new JsonObject().put("type", "object").put("properties",
                    new JsonObject().put("q", new JsonObject().put("type", "string"))));

    private static void anthropic400(String provider, JsonObject body, String message) {
        given().contentType("application/json").body(body.encode()).post("/p/" + provider + "/v1/messages").then()
                .statusCode(400).body("type", equalTo("error")).body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString(message));
    }

    private static JsonObject anthropic() {
        return new JsonObject().put("model", "claude-sim").put("max_tokens", 2048).put("messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", "Look up the weather.")));
    }

    @Test
    void anthropicRequestRules() {
        JsonObject noMax = anthropic();
        noMax.remove("max_tokens");
        anthropic400("pr-an", noMax, "max_tokens: Field required");
        anthropic400("pr-an", anthropic().put("messages", new JsonArray()), "at least one message");
        anthropic400("pr-an", anthropic().put("messages", new JsonArray().add(new JsonObject().put("role", "assistant")
                .put("content", "Hello"))), "first message must use the \"user\" role");
        anthropic400("pr-an", anthropic().put("messages", new JsonArray().add(new JsonObject().put("role", "system")
                .put("content", "Hello"))), "messages.0.role");
        anthropic400("pr-an", anthropic().put("thinking", new JsonObject().put("type", "enabled")
                .put("budget_tokens", 512)), "greater than or equal to 1024");
        anthropic400("pr-an", anthropic().put("max_tokens", 1024).put("thinking", new JsonObject()
                .put("type", "enabled").put("budget_tokens", 1024)), "`max_tokens` must be greater than");
        anthropic400("pr-an", anthropic().put("thinking", thinking()).put("tools", new JsonArray().add(TOOL))
                .put("tool_choice", new JsonObject().put("type", "any")), "tool_choice forces tool use");
    }

    private static JsonObject thinking() {
        return new JsonObject().put("type", "enabled").put("budget_tokens", 1024);
    }

    /** Turn 1 answers a thinking block and a tool call; turn 2 must send both back, signature intact. */
    @Test
    void anthropicThinkingToolLoopNeedsTheSignedThinkingBlock() {
        JsonObject turn1 = anthropic().put("thinking", thinking()).put("tools", new JsonArray().add(TOOL));
        JsonPath first = given().contentType("application/json").body(turn1.encode()).post("/p/pr-loop/v1/messages")
                .then().statusCode(200).body("content[0].type", equalTo("thinking"))
                .body("content[1].type", equalTo("tool_use")).extract().jsonPath();
        JsonArray assistant = new JsonArray(new JsonArray(first.getList("content")).encode());
        String toolId = first.getString("content[1].id");
        JsonObject result = new JsonObject().put("role", "user").put("content", new JsonArray().add(new JsonObject()
                .put("type", "tool_result").put("tool_use_id", toolId).put("content", "Sunny")));

        given().contentType("application/json").body(turn2(turn1, assistant, result).encode())
                .post("/p/pr-loop/v1/messages").then().statusCode(200);

        anthropic400("pr-loop", turn2(turn1, new JsonArray().add(assistant.getJsonObject(1)), result),
                "Expected `thinking` or `redacted_thinking`, but found `tool_use`");
        JsonArray noSignature = assistant.copy();
        noSignature.getJsonObject(0).remove("signature");
        anthropic400("pr-loop", turn2(turn1, noSignature, result),
                "messages.1.content.0.thinking.signature: Field required");
        JsonArray forged = assistant.copy();
        forged.getJsonObject(0).put("signature", "Zm9yZ2Vk");
        anthropic400("pr-loop", turn2(turn1, forged, result),
                "messages.1.content.0: Invalid `signature` in `thinking` block");
        JsonArray edited = assistant.copy();
        edited.getJsonObject(0).put("thinking", "Something else entirely.");
        anthropic400("pr-loop", turn2(turn1, edited, result), "Invalid `signature`");
    }

    /** The first turn's request followed by the assistant's answer and the tool result. */
    private static JsonObject turn2(JsonObject turn1, JsonArray assistant, JsonObject result) {
        JsonObject next = turn1.copy();
        next.getJsonArray("messages").add(new JsonObject().put("role", "assistant").put("content", assistant))
                .add(result);
        return next;
    }

    /** Gemini 3's rule: a function call replayed in the current turn carries its thoughtSignature. */
    @Test
    void geminiFunctionCallNeedsItsThoughtSignature() {
        JsonObject turn1 = new JsonObject()
                .put("contents", new JsonArray().add(new JsonObject().put("role", "user")
                        .put("parts", new JsonArray().add(new JsonObject().put("text", "Weather in Paris?")))))
                .put("tools", new JsonArray().add(new JsonObject().put("functionDeclarations", new JsonArray()
                        .add(new JsonObject().put("name", "lookup").put("parameters", new JsonObject()
                                .put("type", "OBJECT").put("properties", new JsonObject()
                                        .put("q", new JsonObject().put("type", "STRING"))))))))
                .put("generationConfig", new JsonObject().put("thinkingConfig", new JsonObject()
                        .put("thinkingLevel", "high")));
        JsonPath first = given().contentType("application/json").body(turn1.encode())
                .post("/p/pr-ge/v1beta/models/gemini-3-pro:generateContent").then().statusCode(200).extract()
                .jsonPath();
        JsonObject call = new JsonObject(first.getMap("candidates[0].content.parts[0]"));
        JsonObject response = new JsonObject().put("role", "user").put("parts", new JsonArray().add(new JsonObject()
                .put("functionResponse", new JsonObject().put("name", "lookup")
                        .put("response", new JsonObject().put("sky", "clear")))));

        JsonObject ok = turn1.copy();
        ok.getJsonArray("contents").add(new JsonObject().put("role", "model").put("parts", new JsonArray().add(call)))
                .add(response);
        given().contentType("application/json").body(ok.encode())
                .post("/p/pr-ge/v1beta/models/gemini-3-pro:generateContent").then().statusCode(200);

        JsonObject unsigned = turn1.copy();
        JsonObject bare = call.copy();
        bare.remove("thoughtSignature");
        unsigned.getJsonArray("contents").add(new JsonObject().put("role", "model")
                .put("parts", new JsonArray().add(bare))).add(response);
        given().contentType("application/json").body(unsigned.encode())
                .post("/p/pr-ge/v1beta/models/gemini-3-pro:generateContent").then().statusCode(400)
                .body("error.status", equalTo("INVALID_ARGUMENT"))
                .body("error.message", containsString("Function call is missing a thought_signature"));

        // Google's documented dummy value skips the check
        bare.put("thoughtSignature", "skip_thought_signature_validator");
        given().contentType("application/json").body(unsigned.encode())
                .post("/p/pr-ge/v1beta/models/gemini-3-pro:generateContent").then().statusCode(200);
    }

    @Test
    void openAiAndGeminiNeedAPrompt() {
        given().contentType("application/json").body("{\"model\":\"m\",\"messages\":[]}")
                .post("/p/pr-oa/v1/chat/completions").then().statusCode(400)
                .body("error.code", equalTo("empty_array")).body("error.type", equalTo("invalid_request_error"));
        given().contentType("application/json").body("{\"contents\":[]}")
                .post("/p/pr-ge/v1beta/models/g:generateContent").then().statusCode(400)
                .body("error.status", equalTo("INVALID_ARGUMENT"));
    }
}
