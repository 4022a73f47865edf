package io.llmgateway.routing;

import static io.llmgateway.routing.GatewayRequests.post;
import static io.llmgateway.routing.GatewayRequests.withKey;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/embeddings} against the real provider-simulator: what reached each upstream
 * protocol, what the client got (floats, base64, dimensions), fail-over, billing and the refusals.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
@WithTestResource(StubUpstream.class)
class EmbeddingsTest extends GatewayTest {

    @BeforeEach
    void freshSimulator() {
        Simulator.requireFresh();
    }

    static Response embed(String body) {
        return withKey("sk-good").body(body).post("/api/v1/embeddings");
    }

    static String only(String provider) {
        return ",\"provider\":{\"only\":[\"" + provider + "\"]}";
    }

    @Test
    void openAiProtocolFloatsWithDimensionsBilledPerInputToken() throws Exception {
        JsonPath answer = embed("{\"model\":\"sim/embed\",\"input\":[\"hello world\",\"good night moon\"],\"dimensions\":64"
                + only("sim-a") + "}").then().statusCode(200).body("object", equalTo("list"))
                .body("model", equalTo("sim/embed")).body("data.size()", equalTo(2))
                .body("data[1].index", equalTo(1)).body("data[0].object", equalTo("embedding"))
                .body("data[0].embedding.size()", equalTo(64)).extract().jsonPath();
        Map<String, Object> sent = Simulator.lastRequest("sim-a");
        assertTrue(((String) sent.get("path")).endsWith("/v1/embeddings"), sent.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) sent.get("body");
        assertEquals("sim-a-native", body.get("model"));
        assertEquals(List.of("hello world", "good night moon"), body.get("input"));
        assertEquals(64, body.get("dimensions"));
        assertEquals("float", body.get("encoding_format"));
        int tokens = answer.getInt("usage.prompt_tokens");
        assertTrue(tokens > 0);
        assertEquals(tokens, answer.getInt("usage.total_tokens"));
        BigDecimal cost = new BigDecimal(answer.getString("usage.cost"));
        assertEquals(0, new BigDecimal("0.00000002").multiply(BigDecimal.valueOf(tokens)).compareTo(cost), cost.toString());
        String event = usageEventText(answer.getString("id"));
        assertTrue(event.contains("\"prompt_tokens\":" + tokens) && event.contains("\"endpoint_id\":\"sim-ep-embed-a\"")
                && event.contains("\"status\":\"success\""), event);
    }

    @Test
    void base64IsTheSameVectorAsLittleEndianFloat32() {
        String req = "{\"model\":\"sim/embed\",\"input\":\"the same input\",\"dimensions\":16" + only("sim-a");
        List<Float> floats = embed(req + "}").then().statusCode(200).extract().jsonPath()
                .getList("data[0].embedding", Float.class);
        String b64 = embed(req + ",\"encoding_format\":\"base64\"}").then().statusCode(200).extract()
                .path("data[0].embedding");
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(b64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] decoded = new float[bytes.remaining() / 4];
        for (int i = 0; i < decoded.length; i++) {
            decoded[i] = bytes.getFloat();
        }
        float[] expected = new float[floats.size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = floats.get(i);
        }
        assertArrayEquals(expected, decoded);
        assertEquals("float", ((Map<?, ?>) Simulator.lastRequest("sim-a").get("body")).get("encoding_format"),
                "vectors are asked for as floats and encoded by the gateway");
    }

    @Test
    void geminiProtocolBatchEmbedContents() {
        embed("{\"model\":\"sim/embed\",\"input\":[\"one\",\"two\",\"three\"],\"dimensions\":32" + only("sim-gemini") + "}")
                .then().statusCode(200).body("data.size()", equalTo(3)).body("data[2].index", equalTo(2))
                .body("data[0].embedding.size()", equalTo(32)).body("usage.prompt_tokens", equalTo(3));
        Map<String, Object> sent = Simulator.lastRequest("sim-gemini");
        assertTrue(((String) sent.get("path")).contains("batchEmbedContents"), sent.toString());
        JsonPath body = JsonPath.from(io.llmgateway.routing.canonical.Json.MAPPER.valueToTree(sent.get("body")).toString());
        assertEquals(3, body.getList("requests").size());
        assertEquals("models/sim-gemini-native", body.getString("requests[0].model"));
        assertEquals("two", body.getString("requests[1].content.parts[0].text"));
        assertEquals(32, body.getInt("requests[0].outputDimensionality"));
    }

    @Test
    void aFailingEndpointFallsOverAndAnthropicIsNeverTried() {
        Simulator.configure("sim-a", "{\"fault\":{\"type\":\"status:500\",\"rate\":1.0}}");
        embed("{\"model\":\"sim/embed\",\"input\":\"fall over\",\"provider\":{\"order\":[\"sim-a\",\"sim-gemini\"]}}")
                .then().statusCode(200).body("provider", equalTo("SIM-GEMINI"));
        embed("{\"model\":\"sim/embed-claude\",\"input\":\"x\"}").then().statusCode(404)
                .body("error.message", containsString("No endpoints"));
    }

    @Test
    void routesRefuseTheOtherKindOfModel() {
        embed("{\"model\":\"sim/multi\",\"input\":\"x\"}").then().statusCode(400)
                .body("error.message", containsString("not an embeddings model"));
        post("{\"model\":\"sim/embed\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").then().statusCode(400)
                .body("error.message", containsString("/api/v1/embeddings"));
    }

    @Test
    void badInputIsA400NamingTheField() {
        Map<String, String> cases = Map.of(
                "{\"model\":\"sim/embed\"}", "'input' is required",
                "{\"model\":\"sim/embed\",\"input\":[]}", "'input' must not be empty",
                "{\"model\":\"sim/embed\",\"input\":[\"a\",1]}", "input[1]",
                "{\"model\":\"sim/embed\",\"input\":\"a\",\"stream\":true}", "'stream'",
                "{\"model\":\"sim/embed\",\"input\":\"a\",\"temperature\":1}", "'temperature'",
                "{\"model\":\"sim/embed\",\"input\":\"a\",\"dimensions\":0}", "'dimensions'",
                "{\"model\":\"sim/embed\",\"input\":\"a\",\"encoding_format\":\"hex\"}", "'encoding_format'",
                "{\"input\":\"a\"}", "'model' is required",
                "[1,2]", "JSON object");
        cases.forEach((body, says) -> embed(body).then().statusCode(400).body("error.code", equalTo(400))
                .body("error.message", containsString(says)));
        embed("{\"model\":\"sim/embed\",\"input\":[[1,2,3],[4,5]]" + only("sim-a") + "}").then().statusCode(200)
                .body("data.size()", equalTo(2)).body("usage.prompt_tokens", equalTo(5));
    }
}
