package io.llmgateway.routing;

import static io.llmgateway.routing.GatewayRequests.post;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** gateway.upstream.http2: calls to providers share HTTP/2 connections (prior knowledge over http). */
@QuarkusTest
@TestProfile(Http2UpstreamTest.Http2.class)
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
@WithTestResource(StubUpstream.class)
class Http2UpstreamTest extends GatewayTest {

    public static class Http2 implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.upstream.http2", "true");
        }
    }

    private static String chat(boolean stream) {
        return "{\"model\":\"test/model\",\"stream\":" + stream + ",\"provider\":{\"order\":[\"alpha\"],\"allow_fallbacks\":false},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    }

    @Test
    void jsonAndStreamsTravelOverHttp2() throws Exception {
        post(chat(false)).then().statusCode(200)
                .body("choices[0].message.content", equalTo("Hello there"));
        // concurrent streams multiplexed on the same connections
        List<CompletableFuture<String>> streams = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            streams.add(CompletableFuture.supplyAsync(() -> post(chat(true)).then().statusCode(200).extract().asString()));
        }
        for (CompletableFuture<String> s : streams) {
            String body = s.get();
            assertTrue(body.contains("\"content\":\" there\"") && body.trim().endsWith("data: [DONE]"), body);
        }
        assertEquals(9, StubUpstream.CALLS.getOrDefault("HTTP_2:alpha", 0), StubUpstream.CALLS.toString());
    }

    @Test
    void aClientThatLeavesResetsOnlyItsOwnHttp2Stream() throws Exception {
        StubUpstream.MODE.put("alpha", "slow");
        LeavingClient.streamUntil(io.restassured.RestAssured.port, "sk-good", chat(true), " more");
        for (int i = 0; i < 50 && StubUpstream.CALLS.keySet().stream().noneMatch(k -> k.startsWith("closed:")); i++) {
            Thread.sleep(50);
        }
        StubUpstream.MODE.clear();
        // the shared connection still serves the next call
        post(chat(false)).then().statusCode(200);
        assertTrue(StubUpstream.CALLS.keySet().stream().anyMatch(k -> k.startsWith("closed:")), StubUpstream.CALLS.toString());
    }
}
