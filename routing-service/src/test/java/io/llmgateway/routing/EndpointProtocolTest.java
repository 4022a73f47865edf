package io.llmgateway.routing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wire protocol is the endpoint's, not only its provider's (issue 22): one provider whose protocol is
 * Gemini's (Vertex) serves a Claude model in Anthropic's Messages protocol at the endpoint's own base URL and
 * a Gemini model in Gemini's at the provider's, both against the real provider-simulator, asserted on what it
 * received. Skipped when the simulator jar is not built.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
@WithTestResource(StubUpstream.class)
class EndpointProtocolTest extends GatewayTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void freshSimulator() {
        Simulator.requireFresh();
    }

    static String chat(String model, boolean stream) {
        return given().header("Authorization", "Bearer sk-good").contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"max_tokens\":40,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/api/v1/chat/completions").then().statusCode(200).extract().asString();
    }

    static JsonNode received(String provider) throws Exception {
        JsonNode requests = JSON.readTree(given().get(StubUpstream.simulator + "/sim/providers/" + provider + "/stats")
                .asString()).path("requests");
        assertEquals(1, requests.size(), requests.toString());
        return requests.get(0);
    }

    @Test
    void aClaudeModelOnVertexIsSpokenToInAnthropicsMessagesProtocol() throws Exception {
        String answer = chat("sim/vertex-claude", false);
        JsonNode request = received("sim-vertex");
        assertEquals("/p/sim-vertex/v1/messages", request.path("path").asText(), request.toString());
        assertEquals("2023-06-01", request.path("headers").path("anthropic-version").asText(), request.toString());
        JsonNode body = request.path("body");
        assertEquals("sim-vertex-native", body.path("model").asText());
        assertEquals(40, body.path("max_tokens").asInt());
        assertEquals("hi", firstText(body.path("messages").get(0).path("content")), body.toString());
        assertTrue(body.path("contents").isMissingNode(), "no Gemini contents in an Anthropic request: " + body);
        assertEquals("stop", JSON.readTree(answer).path("choices").get(0).path("finish_reason").asText(), answer);
    }

    @Test
    void aGeminiModelOnTheSameProviderIsSpokenToInGeminisProtocol() throws Exception {
        String stream = chat("sim/vertex-gemini", true);
        JsonNode request = received("sim-vertex");
        assertEquals("/p/sim-vertex/v1beta/models/sim-vertex-native:streamGenerateContent", request.path("path").asText(),
                request.toString());
        JsonNode body = request.path("body");
        assertEquals("hi", body.path("contents").get(0).path("parts").get(0).path("text").asText(), body.toString());
        assertEquals(40, body.path("generationConfig").path("maxOutputTokens").asInt(), body.toString());
        assertTrue(body.path("messages").isMissingNode(), "no Anthropic/OpenAI messages in a Gemini request: " + body);
        assertTrue(stream.trim().endsWith("data: [DONE]"), stream);
    }

    private static String firstText(JsonNode content) {
        return content.isTextual() ? content.asText() : content.get(0).path("text").asText();
    }
}
