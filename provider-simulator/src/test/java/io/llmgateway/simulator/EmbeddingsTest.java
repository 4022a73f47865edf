package io.llmgateway.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.llmgateway.simulator.service.TokenCounter;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Embeddings: deterministic unit vectors of the asked width, real token counts, faults as for chat. */
@QuarkusTest
class EmbeddingsTest {

    private static JsonPath openai(String provider, String body) {
        return given().contentType("application/json").body(body).post("/p/" + provider + "/v1/embeddings").then()
                .statusCode(200).extract().jsonPath();
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float f : v) {
            sum += (double) f * f;
        }
        return Math.sqrt(sum);
    }

    @Test
    void openAiFloatVectorsAreDeterministicUnitVectors() {
        JsonPath json = openai("em-oa", "{\"model\":\"text-embedding-3-small\",\"input\":[\"hello world\",\"bye\"]}");
        assertEquals("list", json.getString("object"));
        assertEquals("text-embedding-3-small", json.getString("model"));
        assertEquals("embedding", json.getString("data[0].object"));
        assertEquals(1, json.getInt("data[1].index"));
        float[] hello = floats(json.getList("data[0].embedding", Float.class));
        float[] bye = floats(json.getList("data[1].embedding", Float.class));
        assertEquals(1536, hello.length);
        assertEquals(1.0, norm(hello), 1e-5);
        assertNotEquals(hello[0], bye[0]);
        int tokens = TokenCounter.count("hello world") + TokenCounter.count("bye");
        assertEquals(tokens, json.getInt("usage.prompt_tokens"));
        assertEquals(tokens, json.getInt("usage.total_tokens"));

        float[] again = floats(openai("em-oa-other", "{\"model\":\"text-embedding-3-small\",\"input\":\"hello world\"}")
                .getList("data[0].embedding", Float.class));
        assertEquals(java.util.Arrays.toString(hello), java.util.Arrays.toString(again));
        assertEquals(3072, openai("em-oa", "{\"model\":\"text-embedding-3-large\",\"input\":\"x\"}")
                .getList("data[0].embedding").size());
    }

    @Test
    void dimensionsShortenAndRenormalise() {
        float[] full = floats(openai("em-dim", "{\"model\":\"text-embedding-3-small\",\"input\":\"abc\"}")
                .getList("data[0].embedding", Float.class));
        float[] small = floats(openai("em-dim", "{\"model\":\"text-embedding-3-small\",\"input\":\"abc\","
                + "\"dimensions\":256}").getList("data[0].embedding", Float.class));
        assertEquals(256, small.length);
        assertEquals(1.0, norm(small), 1e-5);
        double scale = small[0] / full[0];
        assertEquals(full[10] * scale, small[10], 1e-5);
    }

    @Test
    void base64IsLittleEndianFloat32() {
        JsonPath floatsJson = openai("em-b64", "{\"model\":\"text-embedding-3-small\",\"input\":\"abc\",\"dimensions\":8}");
        String encoded = openai("em-b64", "{\"model\":\"text-embedding-3-small\",\"input\":\"abc\",\"dimensions\":8,"
                + "\"encoding_format\":\"base64\"}").getString("data[0].embedding");
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(32, bytes.remaining());
        List<Float> expected = floatsJson.getList("data[0].embedding", Float.class);
        for (int i = 0; i < 8; i++) {
            assertEquals(expected.get(i), bytes.getFloat(), 0f);
        }
    }

    @Test
    void tokenArrays() {
        JsonPath one = openai("em-tok", "{\"model\":\"text-embedding-3-small\",\"input\":[1,2,3]}");
        assertEquals(1, one.getList("data").size());
        assertEquals(3, one.getInt("usage.prompt_tokens"));
        JsonPath two = openai("em-tok", "{\"model\":\"text-embedding-3-small\",\"input\":[[1,2,3],[4,5]]}");
        assertEquals(2, two.getList("data").size());
        assertEquals(5, two.getInt("usage.prompt_tokens"));
        assertEquals(one.getList("data[0].embedding").toString(), two.getList("data[0].embedding").toString());
    }

    @Test
    void openAiRejectsBadInput() {
        bad("{\"model\":\"text-embedding-3-small\"}", "input is required");
        bad("{\"model\":\"text-embedding-3-small\",\"input\":\"\"}", "input must be");
        bad("{\"model\":\"text-embedding-3-small\",\"input\":[]}", "input must be");
        bad("{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",1]}", "input must be");
        bad("{\"model\":\"text-embedding-3-small\",\"input\":\"a\",\"dimensions\":4096}", "at most 1536");
        bad("{\"model\":\"text-embedding-ada-002\",\"input\":\"a\",\"dimensions\":4}", "does not support");
        bad("{\"model\":\"text-embedding-3-small\",\"input\":\"a\",\"encoding_format\":\"hex\"}", "encoding_format");
        bad("{\"model\":\"text-embedding-3-small\",\"input\":\"" + "word ".repeat(8200) + "\"}",
                "maximum context length is 8192 tokens");
    }

    private static void bad(String body, String message) {
        given().contentType("application/json").body(body).post("/p/em-bad/v1/embeddings").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error")).body("error.message", containsString(message));
    }

    @Test
    void geminiEmbedContentAndBatch() {
        JsonPath single = given().contentType("application/json")
                .body("{\"content\":{\"parts\":[{\"text\":\"hello world\"}]},\"outputDimensionality\":768}")
                .post("/p/em-ge/v1beta/models/gemini-embedding-001:embedContent").then().statusCode(200).extract()
                .jsonPath();
        float[] v = floats(single.getList("embedding.values", Float.class));
        assertEquals(768, v.length);
        assertEquals(1.0, norm(v), 1e-5);
        assertEquals(TokenCounter.count("hello world"), single.getInt("usageMetadata.promptTokenCount"));

        JsonPath batch = given().contentType("application/json")
                .body("{\"requests\":[{\"model\":\"models/gemini-embedding-001\",\"content\":{\"parts\":[{\"text\":"
                        + "\"hello world\"}]},\"outputDimensionality\":768},{\"model\":\"models/gemini-embedding-001\","
                        + "\"content\":{\"parts\":[{\"text\":\"bye\"}]}}]}")
                .post("/p/em-ge/v1beta/models/gemini-embedding-001:batchEmbedContents").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(2, batch.getList("embeddings").size());
        assertEquals(single.getList("embedding.values").toString(), batch.getList("embeddings[0].values").toString());
        assertEquals(3072, batch.getList("embeddings[1].values").size());

        given().contentType("application/json").body("{\"content\":{\"parts\":[]}}")
                .post("/p/em-ge/v1beta/models/gemini-embedding-001:embedContent").then().statusCode(400)
                .body("error.status", equalTo("INVALID_ARGUMENT"));
        given().get("/sim/providers/em-ge/stats").then().body("calls", equalTo(3))
                // the raw path as it arrived: RestAssured sends the colon as %3A
                .body("requests[0].path", endsWith("models/gemini-embedding-001%3AembedContent"))
                .body("requests[0].model", equalTo("gemini-embedding-001"))
                .body("requests[1].body.requests[1].content.parts[0].text", equalTo("bye"));
    }

    @Test
    void faultsApplyToEmbeddings() {
        given().contentType("application/json").body("{\"fault\":\"status:429\"}").put("/sim/providers/em-fault")
                .then().statusCode(200);
        given().contentType("application/json").body("{\"model\":\"text-embedding-3-small\",\"input\":\"a\"}")
                .post("/p/em-fault/v1/embeddings").then().statusCode(429).header("retry-after", "1")
                .body("error.type", equalTo("rate_limit_error"));
        given().contentType("application/json").body("{\"fault\":\"status:503\"}").put("/sim/providers/em-fault")
                .then().statusCode(200);
        given().contentType("application/json").body("{\"content\":{\"parts\":[{\"text\":\"a\"}]}}")
                .post("/p/em-fault/v1beta/models/text-embedding-004:embedContent").then().statusCode(503)
                .body("error.status", equalTo("UNAVAILABLE"));
        given().contentType("application/json").body("{\"omit_usage\":true}").put("/sim/providers/em-fault")
                .then().statusCode(200);
        given().contentType("application/json").body("{\"model\":\"text-embedding-3-small\",\"input\":\"a\"}")
                .post("/p/em-fault/v1/embeddings").then().statusCode(200).body("usage", nullValue());
        given().get("/sim/providers/em-fault/stats").then().body("calls", equalTo(3)).body("faulted", equalTo(2))
                .body("requests[0].status", equalTo(429)).body("requests[1].status", equalTo(503));
    }
}
