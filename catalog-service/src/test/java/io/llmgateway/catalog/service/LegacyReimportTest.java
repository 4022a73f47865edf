package io.llmgateway.catalog.service;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.catalog.model.ImportResult;
import io.llmgateway.catalog.persistence.EndpointEntity;
import io.llmgateway.catalog.persistence.ModelAliasEntity;
import io.llmgateway.catalog.persistence.ModelEntity;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A re-import over a catalog imported by the old rules: the database gets the rows the old importer wrote
 * for four duplicates of the issue (a model per provider spelling, its endpoint under it), the import
 * merges them into their canonical models, and the old ids keep answering as aliases.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@WithTestResource(KubernetesServerTestResource.class)
class LegacyReimportTest {

    /** old model id -> [provider, provider model, canonical model id]: what today's import wrote. */
    static final Map<String, List<String>> OLD = Map.of(
            "z-ai/glm-4p5", List.of("fireworks", "accounts/fireworks/models/glm-4p5", "z-ai/glm-4.5"),
            "z-ai/glm-5p1", List.of("fireworks", "accounts/fireworks/models/glm-5p1", "z-ai/glm-5.1"),
            "deepseek/v3", List.of("amazon-bedrock", "deepseek.v3-v1:0", "deepseek/deepseek-chat"),
            "fireworks/yi-34b", List.of("fireworks", "accounts/fireworks/models/yi-34b", "01-ai/yi-34b"));

    @Inject
    SeedImporter importer;

    @Test
    void reimportMergesOldIdsIntoCanonicalModels() throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(this::writeOldRows));

        ImportResult result = VertxContextSupport.subscribeAndAwait(() -> importer.importSeed());
        assertTrue(result.updated() >= OLD.size(), result.toString());

        JsonPath snapshot = given().get("/internal/snapshot").then().statusCode(200).extract().jsonPath();
        Map<String, String> aliases = snapshot.getMap("aliases");
        Set<String> models = Set.copyOf(snapshot.getList("models.id"));
        Set<String> endpoints = snapshot.<List<String>>getList("models.endpoints.id").stream().flatMap(List::stream)
                .collect(Collectors.toSet());
        OLD.forEach((oldId, row) -> {
            String canonical = row.get(2);
            assertEquals(canonical, aliases.get(oldId), oldId + " answers as an alias");
            assertFalse(models.contains(oldId), oldId + " is no model any more");
            assertTrue(endpoints.contains(row.get(0) + ":" + canonical), "the endpoint moved to " + canonical);
            assertFalse(endpoints.contains(row.get(0) + ":" + oldId), "no endpoint under the old id");
            // the public API resolves the old id to the canonical model, its endpoints included
            JsonPath byOldId = given().get("/api/v1/models/" + oldId + "/endpoints").then().statusCode(200)
                    .extract().jsonPath();
            assertEquals(canonical, byOldId.getString("data.id"));
            assertTrue(byOldId.getList("data.endpoints.tag").contains(row.get(0)));
            given().get("/api/v1/model/" + oldId).then().statusCode(200)
                    .body("data.id", org.hamcrest.Matchers.equalTo(canonical));
        });
        List<ModelAliasEntity> stored = VertxContextSupport.subscribeAndAwait(
                () -> Panache.withSession(() -> ModelAliasEntity.<ModelAliasEntity>list("alias in ?1", OLD.keySet())));
        assertEquals(OLD.size(), stored.size());

        ImportResult again = VertxContextSupport.subscribeAndAwait(() -> importer.importSeed());
        assertEquals(List.of(0, 0, 0), List.of(again.created(), again.updated(), again.removed()), again.toString());
    }

    /** The old importer's rows: each duplicate a seed model with its provider's endpoint under it. */
    private io.smallrye.mutiny.Uni<Void> writeOldRows() {
        io.smallrye.mutiny.Uni<Void> chain = io.smallrye.mutiny.Uni.createFrom().voidItem();
        for (Map.Entry<String, List<String>> old : OLD.entrySet()) {
            String oldId = old.getKey();
            String provider = old.getValue().get(0);
            String canonical = old.getValue().get(2);
            chain = chain.chain(() -> EndpointEntity.delete("id", provider + ":" + canonical))
                    .chain(() -> model(oldId).persist())
                    .chain(() -> endpoint(oldId, provider, old.getValue().get(1)).persist())
                    .replaceWithVoid();
        }
        return chain.chain(() -> Panache.flush());
    }

    private static ModelEntity model(String id) {
        return CatalogTestRows.model(id);
    }

    private static EndpointEntity endpoint(String modelId, String provider, String providerModel) {
        return CatalogTestRows.endpoint(modelId, provider, providerModel);
    }
}
