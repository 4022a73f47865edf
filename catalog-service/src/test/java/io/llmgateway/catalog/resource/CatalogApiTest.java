package io.llmgateway.catalog.resource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.catalog.service.HealthStats;
import io.llmgateway.contracts.internal.EndpointHealth;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Public and internal read API on the imported real data: shapes per the OpenRouter spec, filters, ETag. */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@WithTestResource(KubernetesServerTestResource.class)
class CatalogApiTest {

    static final String LLAMA = "meta-llama/llama-3.3-70b-instruct";

    /** Required properties of the spec's Model and PublicEndpoint schemas. */
    static final List<String> MODEL_REQUIRED = List.of("id", "canonical_slug", "name", "created", "pricing",
            "context_length", "architecture", "top_provider", "per_request_limits", "supported_parameters",
            "default_parameters", "supported_voices", "links");
    static final List<String> ENDPOINT_REQUIRED = List.of("name", "model_id", "model_name", "context_length", "pricing",
            "provider_name", "tag", "quantization", "max_completion_tokens", "max_prompt_tokens", "supported_parameters",
            "uptime_last_30m", "uptime_last_5m", "uptime_last_1d", "supports_implicit_caching", "supports_tool_choice",
            "latency_last_30m", "throughput_last_30m");

    @Inject
    HealthStats health;

    @Test
    void listsTheImportedModelsInOpenRouterShape() {
        JsonPath list = given().get("/api/v1/models").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> models = list.getList("data");
        assertTrue(models.size() >= 300, "models: " + models.size());
        // ModelsListResponse: links.next present and null (one page), total_count = the models listed
        assertTrue(list.getMap("links").containsKey("next"), "links.next present");
        assertNull(list.get("links.next"));
        assertEquals(models.size(), list.getInt("total_count"));
        for (Map<String, Object> model : models) {
            for (String field : MODEL_REQUIRED) {
                assertTrue(model.containsKey(field), model.get("id") + " lacks " + field);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> pricing = (Map<String, Object>) model.get("pricing");
            for (String price : List.of("prompt", "completion", "request", "image")) {
                String value = (String) pricing.get(price);
                // the auto router's price is that of the model it picks: "-1", as OpenRouter lists it
                String pattern = "openrouter/auto".equals(model.get("id")) ? "-1|0" : "\\d+(\\.\\d+)?";
                assertTrue(value.matches(pattern), model.get("id") + " " + price + " = " + value);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> architecture = (Map<String, Object>) model.get("architecture");
            assertNotNull(architecture.get("modality"));
            assertNotNull(architecture.get("input_modalities"));
            assertNotNull(architecture.get("tokenizer"), "tokenizer is optional but never null in the spec");
            assertTrue(model.get("description") instanceof String, model.get("id") + " description");
            assertTrue(model.get("canonical_slug") instanceof String, model.get("id") + " canonical_slug");
            for (String optionalPrice : List.of("input_cache_read", "input_cache_write", "internal_reasoning")) {
                assertFalse(pricing.containsKey(optionalPrice) && pricing.get(optionalPrice) == null, optionalPrice);
            }
            Map<?, ?> limits = (Map<?, ?>) model.get("per_request_limits");
            if (limits != null) {
                assertNotNull(limits.get("prompt_tokens"));
                assertNotNull(limits.get("completion_tokens"));
            }
            assertNotNull(((Map<?, ?>) model.get("top_provider")).get("is_moderated"));
        }
        Map<String, Object> llama = models.stream().filter(m -> LLAMA.equals(m.get("id"))).findFirst().orElseThrow();
        assertEquals("/api/v1/models/" + LLAMA + "/endpoints", ((Map<?, ?>) llama.get("links")).get("details"));
        given().get("/api/v1/models/count").then().statusCode(200).body("data.count", equalTo(models.size()));
    }

    @Test
    void endpointsOfAMultiProviderModel() {
        JsonPath body = given().get("/api/v1/models/" + LLAMA + "/endpoints").then().statusCode(200).extract().jsonPath();
        assertEquals(LLAMA, body.getString("data.id"));
        for (String field : List.of("name", "created", "description", "architecture")) {
            assertNotNull(body.get("data." + field), field);
        }
        List<Map<String, Object>> endpoints = body.getList("data.endpoints");
        assertTrue(endpoints.size() >= 3, "endpoints: " + endpoints.size());
        for (Map<String, Object> endpoint : endpoints) {
            for (String field : ENDPOINT_REQUIRED) {
                assertTrue(endpoint.containsKey(field), endpoint.get("tag") + " lacks " + field);
            }
            assertTrue(endpoint.get("context_length") instanceof Integer, endpoint.get("tag") + " context_length");
            Map<?, ?> toolChoice = (Map<?, ?>) endpoint.get("supports_tool_choice");
            for (String choice : List.of("auto", "function", "none", "required")) {
                assertEquals(((List<?>) endpoint.get("supported_parameters")).contains("tool_choice"), toolChoice.get(choice),
                        endpoint.get("tag") + " supports_tool_choice." + choice);
            }
        }
        Map<?, ?> architecture = body.getMap("data.architecture");
        for (String field : List.of("tokenizer", "instruct_type", "modality", "input_modalities", "output_modalities")) {
            assertTrue(architecture.containsKey(field), "architecture lacks " + field);
        }
        Map<String, Object> groq = endpoints.stream().filter(e -> "groq".equals(e.get("tag"))).findFirst().orElseThrow();
        assertEquals("0.00000059", ((Map<?, ?>) groq.get("pricing")).get("prompt"));
        assertEquals("0.00000079", ((Map<?, ?>) groq.get("pricing")).get("completion"));
        assertEquals("Groq", groq.get("provider_name"));
        assertEquals(128000, groq.get("context_length"));
    }

    @Test
    void endpointHealthFromMeteringIsShown() {
        String id = "groq:" + LLAMA;
        health.replace(List.of(new EndpointHealth(id, 100.0, 99.5, 98.0,
                new EndpointHealth.Percentiles(210.0, 300.0, 450.0, 900.0),
                new EndpointHealth.Percentiles(120.0, 100.0, 80.0, 40.0), 42),
                new EndpointHealth("together:" + LLAMA, 100.0, 100.0, 100.0,
                        new EndpointHealth.Percentiles(210.0, 300.0, 450.0, null), null, 1)));
        List<Map<String, Object>> endpoints = given().get("/api/v1/models/" + LLAMA + "/endpoints").then()
                .statusCode(200).extract().jsonPath().getList("data.endpoints");
        Map<String, Object> groq = endpoints.stream().filter(e -> id.equals(e.get("id"))).findFirst().orElseThrow();
        assertEquals(99.5f, ((Number) groq.get("uptime_last_30m")).floatValue());
        assertEquals(210.0f, ((Number) ((Map<?, ?>) groq.get("latency_last_30m")).get("p50")).floatValue());
        Map<String, Object> together = endpoints.stream().filter(e -> ("together:" + LLAMA).equals(e.get("id")))
                .findFirst().orElseThrow();
        assertTrue(together.containsKey("latency_last_30m"));
        assertNull(together.get("latency_last_30m"), "incomplete percentiles are shown as none (all four required)");
        Map<String, Object> snapshotGroq = snapshotEndpoint(id);
        assertEquals(99.5f, ((Number) snapshotGroq.get("uptime30m")).floatValue());
        assertEquals(120.0f, ((Number) snapshotGroq.get("throughput_p50")).floatValue());
    }

    @Test
    void filters() {
        List<Map<String, Object>> tools = given().queryParam("supported_parameters", "tools,response_format")
                .get("/api/v1/models").then().statusCode(200).extract().jsonPath().getList("data");
        assertFalse(tools.isEmpty());
        tools.forEach(m -> assertTrue(((List<?>) m.get("supported_parameters")).containsAll(List.of("tools", "response_format"))));

        List<Map<String, Object>> vision = given().queryParam("input_modalities", "image")
                .get("/api/v1/models").then().statusCode(200).extract().jsonPath().getList("data");
        assertFalse(vision.isEmpty());
        vision.forEach(m -> assertTrue(((List<?>) ((Map<?, ?>) m.get("architecture")).get("input_modalities")).contains("image")));

        List<String> llamas = given().queryParam("q", "llama 70b").get("/api/v1/models").then().statusCode(200)
                .extract().jsonPath().getList("data.id");
        assertTrue(llamas.contains(LLAMA), llamas.toString());
        llamas.forEach(id -> assertTrue(id.contains("70b") || id.contains("llama"), id));
        given().queryParam("q", "llama 70b").get("/api/v1/models/count").then().body("data.count", equalTo(llamas.size()));
        given().queryParam("q", "llama 70b").get("/api/v1/models").then()
                .body("total_count", equalTo(llamas.size())).body("links.next", org.hamcrest.Matchers.nullValue());
        given().queryParam("category", "no-such-thing-anywhere").get("/api/v1/models").then().statusCode(200)
                .body("data.size()", equalTo(0)).body("total_count", equalTo(0));
    }

    @Test
    void providers() {
        List<Map<String, Object>> providers = given().get("/api/v1/providers").then().statusCode(200)
                .extract().jsonPath().getList("data");
        assertTrue(providers.size() >= 30, "providers: " + providers.size());
        assertTrue(providers.stream().anyMatch(p -> "groq".equals(p.get("slug")) && "Groq".equals(p.get("name"))));
        providers.forEach(p -> assertFalse(p.containsKey("credential_env"), "no credential details in the public API"));
    }

    @Test
    void unknownModelIs404Envelope() {
        given().get("/api/v1/models/nobody/nothing/endpoints").then().statusCode(404)
                .body("error.code", equalTo(404)).body("error.message", org.hamcrest.Matchers.containsString("not found"));
        given().get("/api/v1/nope").then().statusCode(404).body("error.code", equalTo(404));
    }

    @Test
    void snapshotWithEtagAnd304() {
        Response first = given().get("/internal/snapshot");
        first.then().statusCode(200);
        String etag = first.header("ETag");
        assertNotNull(etag);
        JsonPath snapshot = first.jsonPath();
        assertEquals("\"" + snapshot.getLong("version") + "\"", etag);
        Map<String, Object> groq = snapshot.<Map<String, Object>>getList("providers").stream()
                .filter(p -> "groq".equals(p.get("slug"))).findFirst().orElseThrow();
        assertEquals("http://localhost:8090/p/groq/v1", groq.get("base_url"));
        assertNull(groq.get("credential_ref"));
        assertEquals("openai", groq.get("adapter"));
        Map<String, Object> gemini = snapshot.<Map<String, Object>>getList("providers").stream()
                .filter(p -> "google-ai-studio".equals(p.get("slug"))).findFirst().orElseThrow();
        assertEquals("http://localhost:8090/p/google-ai-studio/v1beta", gemini.get("base_url"));
        Map<String, Object> groqLlama = snapshotEndpoint("groq:" + LLAMA);
        assertEquals("llama-3.3-70b-versatile", groqLlama.get("provider_model"));
        assertEquals("0.00000059", ((Map<?, ?>) groqLlama.get("pricing")).get("prompt"));

        given().header("If-None-Match", etag).get("/internal/snapshot").then().statusCode(304).header("ETag", etag);
        given().header("If-None-Match", "\"0\"").get("/internal/snapshot").then().statusCode(200);
    }

    @Test
    void readyOnceLoaded() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'catalog-loaded' }.status", equalTo("UP"));
    }

    static Map<String, Object> snapshotEndpoint(String endpointId) {
        List<Map<String, Object>> models = given().get("/internal/snapshot").then().statusCode(200).extract().jsonPath()
                .getList("models");
        for (Map<String, Object> model : models) {
            for (Object e : (List<?>) model.get("endpoints")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> endpoint = (Map<String, Object>) e;
                if (endpointId.equals(endpoint.get("id"))) {
                    return endpoint;
                }
            }
        }
        throw new AssertionError("endpoint " + endpointId + " not in the snapshot");
    }
}
