package io.llmgateway.catalog.service;

import static io.llmgateway.catalog.OperatorApi.operator;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.catalog.model.ImportResult;
import io.llmgateway.catalog.persistence.EndpointEntity;
import io.llmgateway.catalog.persistence.ModelEntity;
import io.llmgateway.catalog.persistence.ProviderEntity;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A seed import removes the seed rows the seed no longer lists, and only those: seed A = the real seed
 * plus a few rows, seed B = the real seed. Runs in the same application (same database) as the API tests
 * and ends with the real seed imported again, so they see the catalog they expect.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@WithTestResource(KubernetesServerTestResource.class)
class SeedRetractionTest {

    private static final String LLAMA = "meta-llama/llama-3.3-70b-instruct";
    private static final String GONE_MODEL = "test-retire/gone-model";
    private static final String KEPT_MODEL = "test-retire/kept-by-operator";
    private static final String GONE_PROVIDER = "retire-w";
    private static final String KEPT_PROVIDER = "retire-x";
    private static final List<String> GONE_ENDPOINTS = List.of(GONE_PROVIDER + ":" + GONE_MODEL, "groq:" + KEPT_MODEL,
            KEPT_PROVIDER + ":" + LLAMA);
    private static final String OPERATOR_ON_SEED_ROWS = KEPT_PROVIDER + ":" + KEPT_MODEL;
    private static final String OPERATOR_OWN = "opsco:opsco/own-model";

    @Inject
    SeedImporter importer;
    @Inject
    CatalogEventStream events;

    @Test
    void importRemovesWhatTheSeedNoLongerListsButKeepsOperatorRows() throws Throwable {
        SeedCatalog.Plan real = importer.plan();
        SeedCatalog.Plan seedA = new SeedCatalog.Plan(
                concat(real.providers(), provider(GONE_PROVIDER), provider(KEPT_PROVIDER)),
                concat(real.models(), model(GONE_MODEL), model(KEPT_MODEL)),
                concat(real.endpoints(), endpoint(GONE_MODEL, GONE_PROVIDER), endpoint(KEPT_MODEL, "groq"),
                        endpoint(LLAMA, KEPT_PROVIDER)), real.aliases(), real.skipped());

        ImportResult a = importPlan(seedA);
        assertEquals(7, a.created(), a.toString());
        Set<String> models = modelIds();
        assertTrue(models.containsAll(Set.of(GONE_MODEL, KEPT_MODEL)), "seed A's extra models are listed");
        assertTrue(snapshotEndpoints().containsAll(GONE_ENDPOINTS));

        // operator rows: one endpoint on seed A's model and provider, and a provider/model/endpoint of its own
        operator().body(endpointBody(KEPT_MODEL, KEPT_PROVIDER)).put("/admin/endpoints/" + OPERATOR_ON_SEED_ROWS)
                .then().statusCode(200);
        operator().body(Map.of("adapter", "openai", "base_url", "https://ops.example/v1")).put("/admin/providers/opsco")
                .then().statusCode(200);
        operator().body(Map.of("name", "Ops: Own Model")).put("/admin/models/opsco/own-model").then().statusCode(200);
        operator().body(endpointBody("opsco/own-model", "opsco")).put("/admin/endpoints/" + OPERATOR_OWN)
                .then().statusCode(200);

        ImportResult b = importPlan(real);
        // 3 endpoints, 1 model, 1 provider; the kept model and provider carry the operator's endpoint
        assertEquals(5, b.removed(), b.toString());
        assertEquals(0, b.created(), b.toString());
        assertTrue(b.version() > a.version());

        models = modelIds();
        assertFalse(models.contains(GONE_MODEL), "a model the seed dropped is no longer listed");
        assertTrue(models.containsAll(Set.of(KEPT_MODEL, "opsco/own-model", LLAMA)), models.toString());
        given().get("/api/v1/models/" + GONE_MODEL + "/endpoints").then().statusCode(404);
        assertEquals(List.of(OPERATOR_ON_SEED_ROWS), given().get("/api/v1/models/" + KEPT_MODEL + "/endpoints")
                .then().statusCode(200).extract().jsonPath().getList("data.endpoints.id"));
        List<String> llama = given().get("/api/v1/models/" + LLAMA + "/endpoints").then().statusCode(200)
                .extract().jsonPath().getList("data.endpoints.id");
        assertFalse(llama.contains(KEPT_PROVIDER + ":" + LLAMA), llama.toString());
        assertTrue(llama.contains("groq:" + LLAMA), llama.toString());

        JsonPath snapshot = snapshot();
        assertEquals(b.version(), snapshot.getLong("version"));
        Set<String> endpoints = endpointsOf(snapshot);
        GONE_ENDPOINTS.forEach(id -> assertFalse(endpoints.contains(id), id + " left the snapshot"));
        assertTrue(endpoints.containsAll(Set.of(OPERATOR_ON_SEED_ROWS, OPERATOR_OWN)), "operator endpoints survive");
        List<String> providers = snapshot.getList("providers.slug");
        assertFalse(providers.contains(GONE_PROVIDER));
        assertTrue(providers.containsAll(List.of(KEPT_PROVIDER, "opsco")), providers.toString());
        assertEquals(1, importEvents(b.version()), "routing hears of the removal like of an admin change");

        // the same seed again: nothing to do, same version, no event
        long importEventsBefore = importEvents(-1);
        ImportResult again = importPlan(real);
        assertEquals(List.of(0, 0, 0), List.of(again.created(), again.updated(), again.removed()), again.toString());
        assertEquals(b.version(), again.version());
        assertEquals(importEventsBefore, importEvents(-1));
        assertEquals(models, modelIds());
    }

    private ImportResult importPlan(SeedCatalog.Plan plan) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> importer.importPlan(plan));
    }

    /** Import events on the catalog-events stream, of one version or (-1) of all. */
    private long importEvents(long version) {
        return events.count(e -> "import".equals(e.change()) && (version < 0 || e.version() == version));
    }

    private static Set<String> modelIds() {
        return Set.copyOf(given().get("/api/v1/models").then().statusCode(200).extract().jsonPath().getList("data.id"));
    }

    private static JsonPath snapshot() {
        return given().get("/internal/snapshot").then().statusCode(200).extract().jsonPath();
    }

    private static Set<String> snapshotEndpoints() {
        return endpointsOf(snapshot());
    }

    private static Set<String> endpointsOf(JsonPath snapshot) {
        List<List<String>> perModel = snapshot.getList("models.endpoints.id");
        return perModel.stream().flatMap(List::stream).collect(Collectors.toSet());
    }

    private static String endpointBody(String model, String provider) {
        return "{\"model_id\":\"" + model + "\",\"provider\":\"" + provider + "\",\"provider_model\":\"own\","
                + "\"pricing\":{\"prompt\":\"0.000001\",\"completion\":\"0.000002\"}}";
    }

    @SafeVarargs
    private static <T> List<T> concat(List<T> seed, T... extra) {
        return Stream.concat(seed.stream(), Stream.of(extra)).collect(Collectors.toCollection(ArrayList::new));
    }

    private static ProviderEntity provider(String slug) {
        ProviderEntity p = new ProviderEntity();
        p.slug = slug;
        p.name = slug;
        p.adapter = "openai";
        p.baseUrl = "https://api." + slug + ".invalid/v1";
        p.credentialEnv = slug.toUpperCase().replace('-', '_') + "_API_KEY";
        p.status = "active";
        p.source = SeedCatalog.SOURCE;
        return p;
    }

    private static ModelEntity model(String id) {
        return CatalogTestRows.model(id);
    }

    private static EndpointEntity endpoint(String model, String provider) {
        return CatalogTestRows.endpoint(model, provider, model.substring(model.indexOf('/') + 1));
    }
}
