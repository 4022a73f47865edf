package io.llmgateway.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.simulator.service.TokenCounter;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Structured-output requests are answered with JSON that fits the schema, in each protocol's native form. */
@QuarkusTest
class StructuredOutputTest {

    /** Pydantic-style: $defs and $ref, enums, required, formats, bounds, nullable union, minItems. */
    static final String SCHEMA = "{\"type\":\"object\",\"properties\":{"
            + "\"name\":{\"type\":\"string\",\"minLength\":8},"
            + "\"age\":{\"type\":\"integer\",\"minimum\":18},"
            + "\"score\":{\"type\":\"number\"},"
            + "\"active\":{\"type\":\"boolean\"},"
            + "\"role\":{\"type\":\"string\",\"enum\":[\"admin\",\"user\"]},"
            + "\"email\":{\"type\":[\"string\",\"null\"],\"format\":\"email\"},"
            + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":2},"
            + "\"address\":{\"$ref\":\"#/$defs/Address\"}},"
            + "\"required\":[\"name\",\"age\",\"score\",\"active\",\"role\",\"email\",\"tags\",\"address\"],"
            + "\"additionalProperties\":false,"
            + "\"$defs\":{\"Address\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
            + "\"zip\":{\"anyOf\":[{\"type\":\"null\"},{\"type\":\"string\"}]}},\"required\":[\"city\",\"zip\"]}}}";

    static final JsonObject EXPECTED = new JsonObject().put("name", "samplexx").put("age", 18).put("score", 1)
            .put("active", true).put("role", "admin").put("email", "sample@example.com")
            .put("tags", new JsonArray().add("sample").add("sample"))
            .put("address", new JsonObject().put("city", "sample").put("zip", "sample"));

    @Test
    void openAiJsonSchema() {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Extract.\"}],"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"person\",\"strict\":true,"
                + "\"schema\":" + SCHEMA + "}}}";
        JsonPath json = given().contentType("application/json").body(body).post("/p/so-oa/v1/chat/completions")
                .then().statusCode(200).body("choices[0].finish_reason", equalTo("stop")).extract().jsonPath();
        String content = json.getString("choices[0].message.content");
        assertEquals(EXPECTED, new JsonObject(content));
        assertEquals(TokenCounter.count(content), json.getInt("usage.completion_tokens"));

        String stream = given().contentType("application/json").body(body.replace("\"model\":\"m\",",
                "\"model\":\"m\",\"stream\":true,")).post("/p/so-oa/v1/chat/completions").then().statusCode(200)
                .extract().asString();
        StringBuilder streamed = new StringBuilder();
        for (Sse.Event e : Sse.parse(stream)) {
            if (!e.data().equals("[DONE]")) {
                String piece = e.json().getJsonArray("choices").getJsonObject(0).getJsonObject("delta")
                        .getString("content");
                streamed.append(piece == null ? "" : piece);
            }
        }
        assertEquals(content, streamed.toString());
    }

    @Test
    void openAiJsonObjectNeedsTheWordJson() {
        given().contentType("application/json").body("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Answer in JSON.\"}],\"response_format\":{\"type\":\"json_object\"}}")
                .post("/p/so-oa-obj/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", equalTo("{}"));
        given().contentType("application/json").body("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Hi\"}],\"response_format\":{\"type\":\"json_object\"}}")
                .post("/p/so-oa-obj/v1/chat/completions").then().statusCode(400)
                .body("error.message", containsString("must contain the word 'json'"));
        given().contentType("application/json").body("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Hi\"}],\"response_format\":{\"type\":\"json_schema\"}}")
                .post("/p/so-oa-obj/v1/chat/completions").then().statusCode(400)
                .body("error.message", equalTo("Missing required parameter: 'response_format.json_schema'."));
    }

    @Test
    void anthropicForcedToolInputFitsTheSchema() {
        String body = "{\"model\":\"c\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Extract.\"}],"
                + "\"tools\":[{\"name\":\"other\",\"input_schema\":{\"type\":\"object\"}},"
                + "{\"name\":\"person\",\"input_schema\":" + SCHEMA + "}],"
                + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"person\"}}";
        JsonPath json = given().contentType("application/json").body(body).post("/p/so-an/v1/messages").then()
                .statusCode(200).body("stop_reason", equalTo("tool_use")).body("content[0].name", equalTo("person"))
                .extract().jsonPath();
        assertEquals(EXPECTED, new JsonObject(json.getMap("content[0].input")));
    }

    @Test
    void anthropicOutputFormatAndOutputConfig() {
        String base = "{\"model\":\"c\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Extract.\"}],";
        for (String format : new String[] {"\"output_format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}",
                "\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}}"}) {
            JsonPath json = given().contentType("application/json").body(base + format).post("/p/so-an-of/v1/messages")
                    .then().statusCode(200).body("content[0].type", equalTo("text"))
                    .body("stop_reason", equalTo("end_turn")).extract().jsonPath();
            assertEquals(EXPECTED, new JsonObject(json.getString("content[0].text")));
        }
        given().contentType("application/json").body(base + "\"output_format\":{\"type\":\"json\"}}")
                .post("/p/so-an-of/v1/messages").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"));
    }

    @Test
    void geminiResponseSchema() {
        String gemini = "{\"type\":\"OBJECT\",\"properties\":{\"city\":{\"type\":\"STRING\"},\"population\":"
                + "{\"type\":\"INTEGER\"},\"tags\":{\"type\":\"ARRAY\",\"items\":{\"type\":\"STRING\"}}},"
                + "\"required\":[\"city\",\"population\"]}";
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Extract.\"}]}],\"generationConfig\":"
                + "{\"responseMimeType\":\"application/json\",\"responseSchema\":" + gemini + "}}";
        JsonPath json = given().contentType("application/json").body(body)
                .post("/p/so-ge/v1beta/models/g:generateContent").then().statusCode(200).extract().jsonPath();
        assertEquals(new JsonObject().put("city", "sample").put("population", 1).put("tags", new JsonArray()),
                new JsonObject(json.getString("candidates[0].content.parts[0].text")));
        JsonPath jsonSchema = given().contentType("application/json")
                .body(body.replace("responseSchema\":" + gemini, "responseJsonSchema\":" + SCHEMA))
                .post("/p/so-ge/v1beta/models/g:generateContent").then().statusCode(200).extract().jsonPath();
        assertEquals(EXPECTED, new JsonObject(jsonSchema.getString("candidates[0].content.parts[0].text")));
    }
}
