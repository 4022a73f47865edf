package io.llmgateway.catalog.resource;

import static io.llmgateway.catalog.OperatorApi.operator;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.catalog.service.CatalogEventStream;
import io.llmgateway.contracts.events.CatalogEvent;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Operator API: auth, validation that changes nothing, changes visible everywhere with a new version and event. */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@WithTestResource(KubernetesServerTestResource.class)
class AdminApiTest {

    @Inject
    CatalogEventStream stream;

    static long version() {
        return given().get("/internal/snapshot").then().statusCode(200).extract().jsonPath().getLong("version");
    }

    @Test
    void operatorTokenRequired() {
        given().contentType(ContentType.JSON).body("{}").put("/admin/providers/x").then().statusCode(401)
                .body("error.code", equalTo(401));
        given().header("Authorization", "Bearer wrong").contentType(ContentType.JSON).body("{}")
                .put("/admin/providers/x").then().statusCode(401);
        given().post("/admin/import").then().statusCode(401).body("error.message", containsString("token"));
    }

    @Test
    void invalidInputIs400AndChangesNothing() {
        long before = version();
        operator().body(Map.of("adapter", "cohere", "base_url", "https://x.example/v1"))
                .put("/admin/providers/badone").then().statusCode(400).body("error.message", containsString("adapter"));
        operator().body(Map.of("adapter", "openai", "base_url", "not a url")).put("/admin/providers/badone")
                .then().statusCode(400);
        operator().body(Map.of("adapter", "openai", "base_url", "https://x.example/v1"))
                .put("/admin/providers/Bad_Slug").then().statusCode(400);
        operator().body(Map.of("context_length", -1)).put("/admin/models/acme/m1").then().statusCode(400)
                .body("error.message", containsString("context_length"));
        operator().body("{\"model_id\":\"meta-llama/llama-3.3-70b-instruct\",\"provider\":\"groq\",\"provider_model\":\"x\","
                + "\"pricing\":{\"prompt\":\"-0.000001\"}}").put("/admin/endpoints/groq:x").then().statusCode(400)
                .body("error.message", containsString("negative"));
        operator().body("{\"pricing\":{\"completion\":\"abc\"}}").patch("/admin/endpoints/groq:meta-llama/llama-3.3-70b-instruct")
                .then().statusCode(400).body("error.code", equalTo(400));
        operator().body("{\"pricing\":{\"completion\":-1}}").patch("/admin/endpoints/groq:meta-llama/llama-3.3-70b-instruct")
                .then().statusCode(400);
        operator().body("{\"enabled\":false}").patch("/admin/endpoints/nowhere:none/such").then().statusCode(404)
                .body("error.code", equalTo(404));
        operator().body("{\"model_id\":\"nobody/nothing\",\"provider\":\"groq\",\"provider_model\":\"x\"}")
                .put("/admin/endpoints/groq:nobody/nothing").then().statusCode(404);
        operator().body("{not json").put("/admin/providers/badone").then().statusCode(400);
        assertEquals(before, version());
        given().get("/api/v1/models/meta-llama/llama-3.3-70b-instruct/endpoints").then()
                .body("data.endpoints.find { it.tag == 'groq' }.pricing.completion", equalTo("0.00000079"));
    }

    @Test
    void createProviderModelEndpointThenDisable() throws Exception {
        long before = version();
        operator().body("""
                {"name": "Acme AI", "adapter": "anthropic", "base_url": "https://api.acme.example/v1",
                 "credential": {"env": "ACME_API_KEY"}, "trains_on_data": true, "zdr": true}""")
                .put("/admin/providers/acme").then().statusCode(200).body("changed", equalTo(true));
        operator().body("""
                {"name": "Acme: Rocket 1", "description": "test model", "context_length": 64000,
                 "input_modalities": ["text", "image"], "supported_parameters": ["max_tokens", "tools"]}""")
                .put("/admin/models/acme/rocket-1").then().statusCode(200);
        operator().body("""
                {"model_id": "acme/rocket-1", "provider": "acme", "provider_model": "rocket-1-2026",
                 "context_length": 64000, "max_completion_tokens": 8000, "quantization": "fp8",
                 "pricing": {"prompt": 1.5e-07, "completion": "0.0000006", "input_cache_read": "0.00000003"},
                 "supported_parameters": ["max_tokens", "tools"]}""")
                .put("/admin/endpoints/acme:acme/rocket-1").then().statusCode(200);

        long after = version();
        assertTrue(after >= before + 3, before + " -> " + after);
        Map<String, Object> endpoint = given().get("/api/v1/models/acme/rocket-1/endpoints").then().statusCode(200)
                .extract().jsonPath().getMap("data.endpoints[0]");
        Map<?, ?> pricing = (Map<?, ?>) endpoint.get("pricing");
        assertEquals("0.00000015", pricing.get("prompt"));
        assertEquals("0.0000006", pricing.get("completion"));
        assertEquals("0.00000003", pricing.get("input_cache_read"));
        assertEquals("Acme AI", endpoint.get("provider_name"));
        given().queryParam("q", "rocket").get("/api/v1/models").then()
                .body("data[0].id", equalTo("acme/rocket-1"))
                .body("data[0].architecture.modality", equalTo("text+image->text"))
                .body("data[0].pricing.prompt", equalTo("0.00000015"));
        Map<String, Object> provider = given().get("/internal/snapshot").then().extract().jsonPath()
                .<Map<String, Object>>getList("providers").stream().filter(p -> "acme".equals(p.get("slug"))).findFirst()
                .orElseThrow();
        assertEquals("http://localhost:8090/p/acme/v1", provider.get("base_url"));
        assertEquals(true, provider.get("trains_on_data"));
        assertEquals(true, provider.get("zdr"), "the operator's zero-data-retention flag reaches routing");

        // the committed changes were announced on the (prefixed) catalog-events stream
        List<CatalogEvent> events = stream.all();
        assertTrue(events.stream().anyMatch(e -> "endpoint".equals(e.change()) && "acme:acme/rocket-1".equals(e.id())
                && e.version() == after), events.toString());
        assertTrue(stream.key().startsWith("test:"));

        // disabling the only endpoint hides the model; a price patch keeps the other prices
        operator().body("{\"pricing\": {\"completion\": \"0.0000007\"}}").patch("/admin/endpoints/acme:acme/rocket-1")
                .then().statusCode(200);
        given().get("/api/v1/models/acme/rocket-1/endpoints").then()
                .body("data.endpoints[0].pricing.prompt", equalTo("0.00000015"))
                .body("data.endpoints[0].pricing.completion", equalTo("0.0000007"));
        operator().body("{\"enabled\": false}").patch("/admin/endpoints/acme:acme/rocket-1").then().statusCode(200);
        given().get("/api/v1/models/acme/rocket-1/endpoints").then().statusCode(404);
        List<String> ids = given().get("/api/v1/models").then().extract().jsonPath().getList("data.id");
        assertFalse(ids.contains("acme/rocket-1"));
    }

    @Test
    void reimportIsIdempotent() {
        long before = version();
        Map<String, Object> result = operator().post("/admin/import").then().statusCode(200).extract().jsonPath().getMap("");
        assertEquals(0, result.get("created"));
        assertEquals(0, result.get("updated"));
        assertEquals(0, result.get("removed"));
        assertTrue((Integer) result.get("models") >= 300);
        assertEquals(before, version());
    }
}
