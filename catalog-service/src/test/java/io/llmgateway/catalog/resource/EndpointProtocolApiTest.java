package io.llmgateway.catalog.resource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.llmgateway.catalog.OperatorApi;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The wire protocol of an endpoint (issue 22) as routing receives it: recorded by the import per model family,
 * set by the operator's PUT, and shown in the snapshot with the base URL where that protocol is served.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@WithTestResource(KubernetesServerTestResource.class)
class EndpointProtocolApiTest {

    static final String SIM = "http://localhost:8090/p/";

    static Map<String, Object> snapshotEndpoint(String model, String id) {
        List<Map<String, Object>> models = given().get("/internal/snapshot").then().statusCode(200).extract().jsonPath()
                .getList("models");
        Map<String, Object> m = models.stream().filter(x -> model.equals(x.get("id"))).findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> endpoints = (List<Map<String, Object>>) m.get("endpoints");
        return endpoints.stream().filter(e -> id.equals(e.get("id"))).findFirst()
                .orElseThrow(() -> new AssertionError(id + " not in " + endpoints));
    }

    @Test
    void importedEndpointsSpeakTheirModelFamilysProtocol() {
        Map<String, Object> vertexClaude = snapshotEndpoint("anthropic/claude-sonnet-4.5",
                "google-vertex:anthropic/claude-sonnet-4.5");
        assertEquals("anthropic", vertexClaude.get("adapter"));
        assertEquals(SIM + "google-vertex/v1", vertexClaude.get("base_url"), "the simulator's Messages route");
        Map<String, Object> bedrockClaude = snapshotEndpoint("anthropic/claude-sonnet-4.5",
                "amazon-bedrock:anthropic/claude-sonnet-4.5");
        assertEquals("anthropic", bedrockClaude.get("adapter"));
        assertEquals(SIM + "amazon-bedrock/v1", bedrockClaude.get("base_url"));
        Map<String, Object> vertexGemini = snapshotEndpoint("google/gemini-2.5-flash", "google-vertex:google/gemini-2.5-flash");
        assertNull(vertexGemini.get("adapter"), "Gemini on Vertex speaks its provider's protocol");
        assertNull(vertexGemini.get("base_url"));
        Map<String, Object> groq = snapshotEndpoint("meta-llama/llama-3.3-70b-instruct",
                "groq:meta-llama/llama-3.3-70b-instruct");
        assertNull(groq.get("adapter"));
        assertNull(groq.get("base_url"));
    }

    @Test
    void theOperatorSetsAnEndpointsProtocol() {
        OperatorApi.operator().body("""
                {"model_id": "anthropic/claude-sonnet-4.5", "provider": "google-vertex", "provider_model": "claude-sonnet-4-5",
                 "pricing": {"prompt": "0.000003", "completion": "0.000015"}, "adapter": "openai",
                 "base_url": "https://vertex-openai.example/v1"}""")
                .put("/admin/endpoints/google-vertex:anthropic/claude-sonnet-4.5").then().statusCode(200);
        Map<String, Object> changed = snapshotEndpoint("anthropic/claude-sonnet-4.5", "google-vertex:anthropic/claude-sonnet-4.5");
        assertEquals("openai", changed.get("adapter"));
        assertEquals(SIM + "google-vertex/v1", changed.get("base_url"));
        OperatorApi.operator().body("""
                {"model_id": "anthropic/claude-sonnet-4.5", "provider": "google-vertex", "provider_model": "claude-sonnet-4-5",
                 "pricing": {"prompt": "0.000003", "completion": "0.000015"}, "adapter": "anthropic"}""")
                .put("/admin/endpoints/google-vertex:anthropic/claude-sonnet-4.5").then().statusCode(200);
        assertEquals("anthropic", snapshotEndpoint("anthropic/claude-sonnet-4.5",
                "google-vertex:anthropic/claude-sonnet-4.5").get("adapter"));

        OperatorApi.operator().body("""
                {"model_id": "anthropic/claude-sonnet-4.5", "provider": "google-vertex", "provider_model": "x",
                 "adapter": "bedrock"}""")
                .put("/admin/endpoints/google-vertex:anthropic/claude-sonnet-4.5").then().statusCode(400)
                .body("error.message", containsString("adapter"));
        OperatorApi.operator().body("""
                {"model_id": "anthropic/claude-sonnet-4.5", "provider": "google-vertex", "provider_model": "x",
                 "base_url": "ftp://nowhere"}""")
                .put("/admin/endpoints/google-vertex:anthropic/claude-sonnet-4.5").then().statusCode(400)
                .body("error.message", containsString("base_url"));
        given().get("/internal/snapshot").then().body("models.find { it.id == 'anthropic/claude-sonnet-4.5' }"
                + ".endpoints.find { it.id == 'google-vertex:anthropic/claude-sonnet-4.5' }.provider_model",
                equalTo("claude-sonnet-4-5"));
    }
}
