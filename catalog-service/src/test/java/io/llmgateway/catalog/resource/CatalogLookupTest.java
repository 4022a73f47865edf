package io.llmgateway.catalog.resource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Issue 21's lookup surface, embeddings and quarantine on the imported real data. */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@WithTestResource(KubernetesServerTestResource.class)
class CatalogLookupTest {

    static final String WANDB_LLAMA = "wandb:meta-llama/llama-3.3-70b-instruct";

    @Test
    void oneModelByIdAliasAndVariant() {
        given().get("/api/v1/model/openai/gpt-4o").then().statusCode(200).body("data.id", equalTo("openai/gpt-4o"))
                .body("data.links.details", equalTo("/api/v1/models/openai/gpt-4o/endpoints"));
        given().get("/api/v1/model/openai/gpt-4o:nitro").then().statusCode(200)
                .body("data.id", equalTo("openai/gpt-4o:nitro"));
        given().get("/api/v1/model/openai/gpt-4o:bogus").then().statusCode(404).body("error.code", equalTo(404));
        given().get("/api/v1/model/nobody/nothing").then().statusCode(404);
        // an alias from the reviewed table answers with the canonical model
        given().get("/api/v1/model/deepseek/deepseek-v3").then().statusCode(200)
                .body("data.id", equalTo("deepseek/deepseek-chat"));
    }

    @Test
    void latestAliasesFollowReleaseDates() {
        Map<String, String> aliases = snapshot().getMap("aliases");
        String sonnet = aliases.get("~anthropic/claude-sonnet-latest");
        assertNotNull(sonnet, "~anthropic/claude-sonnet-latest is resolved");
        assertTrue(sonnet.startsWith("anthropic/claude-sonnet-"), sonnet);
        given().get("/api/v1/model/~anthropic/claude-sonnet-latest").then().statusCode(200).body("data.id", equalTo(sonnet));
        long created = given().get("/api/v1/model/" + sonnet).then().extract().jsonPath().getLong("data.created");
        List<Map<String, Object>> all = given().queryParam("q", "claude sonnet").get("/api/v1/models").then()
                .extract().jsonPath().getList("data");
        all.stream().filter(m -> ((String) m.get("id")).startsWith("anthropic/claude-sonnet"))
                .forEach(m -> assertTrue(((Number) m.get("created")).longValue() <= created, m.get("id") + " is newer"));
    }

    @Test
    void sortFilterAndPagination() {
        JsonPath first = given().queryParam("sort", "pricing-low-to-high").queryParam("limit", 5)
                .get("/api/v1/models").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> page = first.getList("data");
        assertEquals(5, page.size());
        String next = first.getString("links.next");
        assertTrue(next.startsWith("/api/v1/models?") && next.contains("offset=5") && next.contains("limit=5")
                && next.contains("sort=pricing-low-to-high"), next);
        int total = first.getInt("total_count");
        JsonPath second = given().urlEncodingEnabled(false).get(next).then().statusCode(200).extract().jsonPath();
        List<String> ids = new ArrayList<>(first.getList("data.id"));
        ids.addAll(second.getList("data.id"));
        assertEquals(10, new HashSet<>(ids).size(), "two pages, no overlap");
        assertEquals(total, second.getInt("total_count"));
        List<BigDecimal> averages = new ArrayList<>();
        for (Map<String, Object> m : concat(page, second.getList("data"))) {
            Map<?, ?> pricing = (Map<?, ?>) m.get("pricing");
            averages.add(new BigDecimal((String) pricing.get("prompt")).add(new BigDecimal((String) pricing.get("completion"))));
        }
        for (int i = 1; i < averages.size(); i++) {
            assertTrue(averages.get(i - 1).compareTo(averages.get(i)) <= 0, averages.toString());
        }
        JsonPath last = given().queryParam("offset", total - 2).queryParam("limit", 5).get("/api/v1/models").then()
                .extract().jsonPath();
        assertEquals(2, last.getList("data").size());
        assertNull(last.get("links.next"));

        List<Integer> contexts = given().queryParam("sort", "context-high-to-low").queryParam("limit", 20)
                .get("/api/v1/models").then().statusCode(200).extract().jsonPath().getList("data.context_length");
        for (int i = 1; i < contexts.size(); i++) {
            assertTrue(contexts.get(i - 1) >= contexts.get(i), contexts.toString());
        }
        List<Map<String, Object>> cheap = given().queryParam("max_price", "0.5").get("/api/v1/models").then()
                .statusCode(200).extract().jsonPath().getList("data");
        assertFalse(cheap.isEmpty());
        cheap.forEach(m -> {
            Map<?, ?> pricing = (Map<?, ?>) m.get("pricing");
            assertTrue(new BigDecimal((String) pricing.get("prompt")).compareTo(new BigDecimal("0.0000005")) <= 0, m.get("id") + "");
            assertTrue(new BigDecimal((String) pricing.get("completion")).compareTo(new BigDecimal("0.0000005")) <= 0, m.get("id") + "");
        });
        given().queryParam("sort", "sideways").get("/api/v1/models").then().statusCode(400);
        given().queryParam("max_price", "cheap").get("/api/v1/models").then().statusCode(400);
        given().queryParam("limit", 0).get("/api/v1/models").then().statusCode(400);
        int everything = given().get("/api/v1/models").then().extract().jsonPath().getInt("total_count");
        given().get("/api/v1/models/user").then().statusCode(200).body("total_count", equalTo(everything));
    }

    @Test
    void embeddingModelsAreListedApartAndFilterable() {
        List<String> embeddings = given().get("/api/v1/embeddings/models").then().statusCode(200).extract().jsonPath()
                .getList("data.id");
        assertTrue(embeddings.contains("openai/text-embedding-3-small"), embeddings.toString());
        assertTrue(embeddings.size() >= 50, "embedding models: " + embeddings.size());
        List<String> chat = given().get("/api/v1/models").then().extract().jsonPath().getList("data.id");
        assertFalse(chat.contains("openai/text-embedding-3-small"), "the default list stays chat models");
        List<String> filtered = given().queryParam("output_modalities", "embeddings").get("/api/v1/models").then()
                .statusCode(200).extract().jsonPath().getList("data.id");
        assertEquals(Set.copyOf(embeddings), Set.copyOf(filtered));
        int all = given().queryParam("output_modalities", "all").get("/api/v1/models").then().extract().jsonPath()
                .getInt("total_count");
        assertEquals(chat.size() + embeddings.size(), all);
        given().get("/api/v1/models/openai/text-embedding-3-small/endpoints").then().statusCode(200)
                .body("data.architecture.output_modalities[0]", equalTo("embeddings"));
    }

    @Test
    void routersAreListedButNotRoutedByTheCatalog() {
        given().get("/api/v1/model/openrouter/auto").then().statusCode(200).body("data.pricing.prompt", equalTo("-1"));
        given().get("/api/v1/model/openrouter/free").then().statusCode(200).body("data.pricing.prompt", equalTo("0"));
        List<String> snapshotModels = snapshot().getList("models.id");
        assertFalse(snapshotModels.contains("openrouter/auto"));
        assertTrue(snapshot().<List<String>>getList("models.endpoints.provider").stream().flatMap(List::stream)
                .noneMatch(p -> p == null), "every endpoint has a provider");
    }

    @Test
    void quarantinedEndpointsAreListedForTheOperatorAndNotRouted() {
        Set<String> routable = snapshot().<List<String>>getList("models.endpoints.id").stream().flatMap(List::stream)
                .collect(Collectors.toSet());
        assertFalse(routable.contains(WANDB_LLAMA), "0.071 USD/token is not routable");
        List<Map<String, Object>> quarantined = given().header("Authorization", "Bearer test-operator-token")
                .get("/admin/quarantine").then().statusCode(200).extract().jsonPath().getList("data");
        Map<String, Object> wandb = quarantined.stream().filter(q -> WANDB_LLAMA.equals(q.get("id"))).findFirst()
                .orElseThrow();
        assertTrue(((String) wandb.get("reason")).contains("plausible maximum"), wandb.toString());
        assertTrue(quarantined.stream().allMatch(q -> !routable.contains((String) q.get("id"))));
        given().get("/admin/quarantine").then().statusCode(401);
        given().get("/q/metrics").then().statusCode(200).body(containsString("catalog_endpoints_quarantined"));
        // exact decimals through the public API
        JsonPath sonnet = given().get("/api/v1/models/anthropic/claude-3.7-sonnet/endpoints").then().statusCode(200)
                .extract().jsonPath();
        Map<String, Object> databricks = sonnet.<Map<String, Object>>getList("data.endpoints").stream()
                .filter(e -> "databricks".equals(e.get("tag"))).findFirst().orElseThrow();
        assertEquals("0.00000299999", ((Map<?, ?>) databricks.get("pricing")).get("prompt"));
    }

    @Test
    void anOperatorConfirmsAQuarantinedEndpoint() {
        String id = "azure:azure/jais-30b-chat";
        var operator = given().header("Authorization", "Bearer test-operator-token");
        operator.post("/admin/endpoints/" + id + "/confirm").then().statusCode(200).body("changed", equalTo(true));
        Set<String> routable = snapshot().<List<String>>getList("models.endpoints.id").stream().flatMap(List::stream)
                .collect(Collectors.toSet());
        assertTrue(routable.contains(id), "confirmed prices route");
        List<String> still = given().header("Authorization", "Bearer test-operator-token").get("/admin/quarantine")
                .then().extract().jsonPath().getList("data.id");
        assertFalse(still.contains(id));
        given().header("Authorization", "Bearer test-operator-token").post("/admin/endpoints/nope:x/y/confirm").then()
                .statusCode(404);
    }

    private static JsonPath snapshot() {
        return given().get("/internal/snapshot").then().statusCode(200).extract().jsonPath();
    }

    private static List<Map<String, Object>> concat(List<Map<String, Object>> a, List<Map<String, Object>> b) {
        List<Map<String, Object>> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
