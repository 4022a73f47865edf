package io.llmgateway.routing;

import static io.llmgateway.routing.GatewayRequests.withKey;

import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An auth that accepts connections but never answers (hung, or paused) must not hold requests of keys
 * routing already knows: long past the key TTL, the request that refreshes waits a moment, the others
 * not at all, and all are served from the state held. Each call below gives up after 2 s, well under
 * the 5 s auth-call timeout that every request of the key used to wait for.
 */
@QuarkusTest
@TestProfile(HungAuthTest.ShortKeyTtl.class)
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
@WithTestResource(StubUpstream.class)
class HungAuthTest extends GatewayTest {

    public static class ShortKeyTtl implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.keys.ttl", "300ms");
        }
    }

    private static void chat() {
        RestAssuredConfig giveUpAfter2s = RestAssured.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.socket.timeout", 2000).setParam("http.connection.timeout", 2000));
        withKey("sk-good").config(giveUpAfter2s)
                .body("{\"model\":\"test/model\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}")
                .post("/api/v1/chat/completions").then().statusCode(200);
    }

    @Test
    void keysRoutingKnowsAreServedAtOnceWhileAuthHangs() throws Exception {
        chat(); // the key's state is now held
        StubUpstream.MODE.put("auth", "hang");
        try {
            Thread.sleep(700); // past twice the key TTL: a refresh is due, and auth will not answer it
            for (int i = 0; i < 8; i++) {
                chat();
            }
        } finally {
            StubUpstream.MODE.remove("auth");
        }
    }
}
