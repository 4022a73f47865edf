package io.llmgateway.catalog.resource;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.catalog.service.CatalogEventStream;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Presets CRUD for the account routing names in X-Gateway-Account-Id, versions, snapshot and events. */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@WithTestResource(KubernetesServerTestResource.class)
class PresetsApiTest {

    static final String TEMPLATE = """
            {"models": ["openai/gpt-4o", "anthropic/claude-sonnet-4.5"], "system_prompt": "Be brief.",
             "temperature": 0.2, "provider": {"sort": "price"}, "reasoning": {"effort": "low"},
             "transforms": ["middle-out"]}""";

    @Inject
    CatalogEventStream events;

    @Test
    void crudVersionsAndSnapshot() throws Exception {
        as("acct-1").body("{\"name\": \"Brief\", \"config\": " + TEMPLATE + "}").put("/api/v1/presets/brief")
                .then().statusCode(200).body("data.version", equalTo(1)).body("data.slug", equalTo("brief"))
                .body("data.models[1]", equalTo("anthropic/claude-sonnet-4.5"))
                .body("data.config.temperature", equalTo(0.2f));
        // the same template again is no new version
        as("acct-1").body("{\"name\": \"Brief\", \"config\": " + TEMPLATE + "}").put("/api/v1/presets/brief")
                .then().statusCode(200).body("data.version", equalTo(1));
        as("acct-1").body("{\"name\": \"Brief\", \"config\": {\"models\": [\"openai/gpt-4o-mini\"]}}")
                .put("/api/v1/presets/brief").then().statusCode(200).body("data.version", equalTo(2));
        as("acct-1").get("/api/v1/presets/brief/versions").then().statusCode(200)
                .body("data.version", equalTo(List.of(1, 2)))
                .body("data[0].config.system_prompt", equalTo("Be brief."));
        as("acct-1").get("/api/v1/presets/brief").then().statusCode(200)
                .body("data.config.models[0]", equalTo("openai/gpt-4o-mini"));
        as("acct-1").get("/api/v1/presets").then().statusCode(200).body("total_count", equalTo(1))
                .body("data[0].slug", equalTo("brief"));

        // another account sees none of it; no account at all is a 401
        as("acct-2").get("/api/v1/presets/brief").then().statusCode(404);
        as("acct-2").get("/api/v1/presets").then().statusCode(200).body("total_count", equalTo(0));
        given().get("/api/v1/presets").then().statusCode(401).body("error.code", equalTo(401));

        // routing's cache: the snapshot carries the latest version, and a preset event announced it
        List<Map<String, Object>> presets = given().get("/internal/snapshot").then().statusCode(200).extract()
                .jsonPath().getList("presets");
        Map<String, Object> brief = presets.stream().filter(p -> "acct-1".equals(p.get("account_id"))
                && "brief".equals(p.get("slug"))).findFirst().orElseThrow();
        assertEquals(2, brief.get("version"));
        assertEquals(List.of("openai/gpt-4o-mini"), ((Map<?, ?>) brief.get("config")).get("models"));
        assertTrue(presetEvents("acct-1/brief") >= 2, "preset events on the catalog stream");

        as("acct-1").delete("/api/v1/presets/brief").then().statusCode(200).body("data.deleted", equalTo(true));
        as("acct-1").get("/api/v1/presets/brief").then().statusCode(404);
    }

    @Test
    void badTemplatesAreRefusedWhole() {
        as("acct-3").body("{\"config\": {\"temprature\": 0.2}}").put("/api/v1/presets/typo").then().statusCode(400)
                .body("error.message", containsString("temprature"));
        as("acct-3").body("{\"config\": {\"temperature\": \"hot\"}}").put("/api/v1/presets/typo").then()
                .statusCode(400);
        as("acct-3").body("{\"config\": {\"models\": [\"not a model\"]}}").put("/api/v1/presets/typo").then()
                .statusCode(400);
        as("acct-3").body("{\"config\": {}}").put("/api/v1/presets/Bad_Slug").then().statusCode(400);
        as("acct-3").get("/api/v1/presets/typo").then().statusCode(404);
    }

    private long presetEvents(String id) {
        return events.count(e -> "preset".equals(e.change()) && id.equals(e.id()));
    }

    private static RequestSpecification as(String account) {
        return given().header("X-Gateway-Account-Id", account).contentType(ContentType.JSON);
    }
}
