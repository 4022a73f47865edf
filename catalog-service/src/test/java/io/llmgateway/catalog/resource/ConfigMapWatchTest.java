package io.llmgateway.catalog.resource;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Provider ConfigMaps applied live through the informer, against the fabric8 mock server (CRUD mode). */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@WithTestResource(KubernetesServerTestResource.class)
class ConfigMapWatchTest {

    @KubernetesTestServer
    KubernetesServer server;

    static final String GOOD = """
            providers:
              - slug: k8s-groq
                name: Groq via ConfigMap
                adapter: openai
                base_url: https://api.groq.com/openai/v1
                credential:
                  secret:
                    name: llm-provider-keys
                    key: groq
                endpoints:
                  - model: meta-llama/llama-3.3-70b-instruct
                    provider_model: llama-3.3-70b-versatile
                    context_length: 131072
                    max_completion_tokens: 32768
                    pricing:
                      prompt: 0.00000059
                      completion: "0.00000079"
                  - model: k8s/new-model
                    provider_model: new-model-v1
                    pricing: {prompt: 1.0e-6, completion: 2.0e-6}
            """;

    @Test
    void appliesGoodConfigMapsAndIgnoresBadOnes() {
        KubernetesClient client = server.getClient();
        client.configMaps().inNamespace("test").resource(configMap("providers-good", "providers.yaml", GOOD)).create();
        await(() -> slugs().contains("k8s-groq"));
        List<String> tags = given().get("/api/v1/models/meta-llama/llama-3.3-70b-instruct/endpoints").then()
                .statusCode(200).extract().jsonPath().getList("data.endpoints.tag");
        assertTrue(tags.contains("k8s-groq"), tags.toString());
        given().get("/api/v1/models/k8s/new-model/endpoints").then().statusCode(200);
        long version = AdminApiTest.version();

        // unknown adapter and negative price: ignored whole, with a Warning event; the good catalog stays
        client.configMaps().inNamespace("test").resource(configMap("providers-bad-adapter", "providers.yaml", """
                providers:
                  - slug: k8s-bad
                    adapter: cohere
                    base_url: https://example.com/v1
                """)).create();
        client.configMaps().inNamespace("test").resource(configMap("providers-bad-price", "providers.json", """
                {"providers": [{"slug": "k8s-bad2", "adapter": "openai", "base_url": "https://example.com/v1",
                  "endpoints": [{"model": "meta-llama/llama-3.3-70b-instruct", "provider_model": "x",
                                 "pricing": {"prompt": -0.1}}]}]}
                """)).create();
        await(() -> client.v1().events().inNamespace("test").list().getItems().stream()
                .filter(e -> "InvalidCatalogConfig".equals(e.getReason())).count() >= 2);
        List<String> slugs = slugs();
        assertFalse(slugs.contains("k8s-bad"));
        assertFalse(slugs.contains("k8s-bad2"));
        assertTrue(slugs.contains("k8s-groq"));
        assertEquals(version, AdminApiTest.version());

        // an update is applied live; the credential stays a reference
        client.configMaps().inNamespace("test").resource(configMap("providers-good", "providers.yaml",
                GOOD.replace("prompt: 0.00000059", "prompt: 0.00000061"))).update();
        await(() -> "0.00000061".equals(snapshotPrice("k8s-groq:meta-llama/llama-3.3-70b-instruct")));
    }

    static ConfigMap configMap(String name, String key, String content) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("test")
                .addToLabels("llm-gateway.io/catalog", "true").endMetadata()
                .addToData(key, content).build();
    }

    static List<String> slugs() {
        return given().get("/api/v1/providers").then().statusCode(200).extract().jsonPath().getList("data.slug");
    }

    static String snapshotPrice(String endpointId) {
        Map<String, Object> endpoint = CatalogApiTest.snapshotEndpoint(endpointId);
        return (String) ((Map<?, ?>) endpoint.get("pricing")).get("prompt");
    }

    static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
