package io.llmgateway.routing;

import static io.llmgateway.routing.GatewayRequests.post;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * Names a request may give a model besides its id: catalog aliases, presets of the key's account and
 * the auto routers; what each resolves to and what reaches the provider.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
@WithTestResource(StubUpstream.class)
class CatalogNamesTest extends GatewayTest {

    static Response chat(String key, String fields) {
        return post(key, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + fields + "}");
    }

    @Test
    void aliasesAnswerWithTheCanonicalId() {
        chat("sk-good", "\"model\":\"test/old-name\"").then().statusCode(200).body("model", equalTo("test/model"));
        chat("sk-good", "\"model\":\"~test/model-latest\"").then().statusCode(200).body("model", equalTo("test/model"));
        chat("sk-good", "\"model\":\"test/old-name:floor\"").then().statusCode(200).body("model", equalTo("test/model"));
    }

    @Test
    void aPresetFillsWhatTheRequestLeavesOpen() {
        chat("sk-good", "\"model\":\"@preset/careful\"").then().statusCode(200).body("model", equalTo("test/backup"));
        JsonObject sent = StubUpstream.LAST_BODY.get("beta");
        assertEquals("system", sent.getJsonArray("messages").getJsonObject(0).getString("role"));
        assertEquals("Be careful.", sent.getJsonArray("messages").getJsonObject(0).getString("content"));
        assertEquals(0.2, sent.getDouble("temperature"));
        assertEquals(77, sent.getInteger("max_tokens"));
        assertTrue(!sent.containsKey("preset") && !sent.containsKey("models"), sent.encode());
    }

    @Test
    void requestFieldsOverrideThePreset() {
        post("{\"model\":\"test/model@preset/careful\",\"temperature\":0.9,\"provider\":{\"only\":[\"alpha\"]},"
                        + "\"messages\":[{\"role\":\"system\",\"content\":\"Mine.\"},{\"role\":\"user\",\"content\":\"hi\"}]}")
                .then().statusCode(200).body("model", equalTo("test/model"))
                .body("provider", equalTo("ALPHA"));
        JsonObject sent = StubUpstream.LAST_BODY.get("alpha");
        assertEquals(0.9, sent.getDouble("temperature"));
        assertEquals(77, sent.getInteger("max_tokens"));
        assertEquals(2, sent.getJsonArray("messages").size(), "the request's own system prompt wins: " + sent.encode());
        assertEquals("Mine.", sent.getJsonArray("messages").getJsonObject(0).getString("content"));
        chat("sk-good", "\"model\":\"test/model\",\"preset\":\"careful\"").then().statusCode(200)
                .body("model", equalTo("test/model"));
    }

    @Test
    void presetsBelongToTheirAccount() {
        chat("sk-sdk", "\"model\":\"@preset/careful\"").then().statusCode(404)
                .body("error.message", containsString("Preset 'careful' does not exist"));
        chat("sk-good", "\"model\":\"@preset/nope\"").then().statusCode(404);
        chat("sk-good", "\"model\":\"test/model@preset/careful\",\"preset\":\"other\"").then().statusCode(400)
                .body("error.message", containsString("two presets"));
    }

    @Test
    void theAutoRouterPicksTheCheapestModelThatMeetsTheRequest() {
        chat("sk-good", "\"model\":\"openrouter/auto\"").then().statusCode(200).body("model", equalTo("auto/free-one"));
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]";
        chat("sk-good", "\"model\":\"auto\"," + tools).then().statusCode(200).body("model", equalTo("auto/vision-tools"));
        post("{\"model\":\"openrouter/auto\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what?\"},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]}]}")
                .then().statusCode(200).body("model", equalTo("auto/vision-tools"));
        chat("sk-good", "\"model\":\"openrouter/free\"").then().statusCode(200).body("model", equalTo("auto/free-one"));
        chat("sk-good", "\"model\":\"openrouter/auto\"," + tools + ",\"provider\":{\"max_price\":{\"prompt\":0.01}}")
                .then().statusCode(404).body("error.message", containsString("tools"));
    }
}
