package io.llmgateway.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SimApiTest {

    private static final String CHAT = "{\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void putGetDeleteRoundTrip() {
        given().get("/sim/providers/api-new").then().statusCode(200).body("ttft_ms", equalTo(0))
                .body("output_tokens", equalTo(16)).body("chunk_tokens", equalTo(1))
                .body("omit_usage", equalTo(false)).body("fault.type", equalTo("none"))
                .body("fault.rate", equalTo(1.0f)).body("fault.for_ms", nullValue())
                .body("fault.retry_after_s", equalTo(1)).body("reasoning_tokens", equalTo(8))
                .body("implicit_cache_min_tokens", equalTo(1024));
        given().contentType("application/json")
                .body("{\"ttft_ms\":5,\"tokens_per_second\":1000,\"output_tokens\":4,\"chunk_tokens\":2,"
                        + "\"omit_usage\":true,\"fault\":{\"type\":\"status:503\",\"rate\":0.5,\"for_ms\":60000}}")
                .put("/sim/providers/api-rt").then().statusCode(200).body("output_tokens", equalTo(4));
        given().get("/sim/providers/api-rt").then().statusCode(200).body("ttft_ms", equalTo(5))
                .body("tokens_per_second", equalTo(1000.0f)).body("omit_usage", equalTo(true))
                .body("fault.type", equalTo("status:503")).body("fault.rate", equalTo(0.5f))
                .body("fault.for_ms", equalTo(60000));
        given().delete("/sim/providers/api-rt").then().statusCode(204);
        given().get("/sim/providers/api-rt").then().statusCode(200).body("output_tokens", equalTo(16))
                .body("fault.type", equalTo("none"));
    }

    @Test
    void statsCountCallsAndFaults() {
        given().contentType("application/json").body(CHAT).post("/p/api-stats/v1/chat/completions").then()
                .statusCode(200);
        given().contentType("application/json").body("{\"fault\":{\"type\":\"status:500\"}}")
                .put("/sim/providers/api-stats").then().statusCode(200);
        given().contentType("application/json").body(CHAT).post("/p/api-stats/v1/chat/completions").then()
                .statusCode(500).body("error.type", equalTo("server_error"));
        given().get("/sim/providers/api-stats/stats").then().statusCode(200).body("calls", equalTo(2))
                .body("faulted", equalTo(1)).body("requests", hasSize(2))
                .body("requests[0].path", equalTo("/p/api-stats/v1/chat/completions"))
                .body("requests[0].model", equalTo("m1")).body("requests[0].stream", equalTo(false))
                .body("requests[0].fault", equalTo("none")).body("requests[0].status", equalTo(200))
                .body("requests[1].fault", equalTo("status:500")).body("requests[1].status", equalTo(500));
        given().delete("/sim/providers/api-stats").then().statusCode(204);
        given().get("/sim/providers/api-stats/stats").then().statusCode(200).body("calls", equalTo(0))
                .body("requests", hasSize(0));
    }

    @Test
    void deleteAllResetsEveryProvider() {
        given().contentType("application/json").body("{\"output_tokens\":3}").put("/sim/providers/api-all-a").then()
                .statusCode(200);
        given().contentType("application/json").body("{\"output_tokens\":3}").put("/sim/providers/api-all-b").then()
                .statusCode(200);
        given().delete("/sim/providers").then().statusCode(204);
        given().get("/sim/providers/api-all-a").then().body("output_tokens", equalTo(16));
        given().get("/sim/providers/api-all-b").then().body("output_tokens", equalTo(16));
    }

    @Test
    void invalidBodiesAre400WithClearMessages() {
        bad("{\"fault\":{\"type\":\"explode\"}}", "unknown fault type 'explode'");
        bad("{\"fault\":{\"type\":\"status:abc\"}}", "'abc' is not a whole number");
        bad("{\"fault\":{\"type\":\"status:42\"}}", "42 is outside 100..599");
        bad("{\"fault\":{\"type\":\"cut-after\"}}", "wrong number of ':' parts");
        bad("{\"fault\":{\"type\":\"stall-after:3\"}}", "wrong number of ':' parts");
        bad("{\"fault\":{\"type\":\"status:500\",\"rate\":1.5}}", "rate must be between 0 and 1");
        bad("{\"fault\":{\"type\":\"status:500\",\"rate\":\"often\"}}", "rate must be a number");
        bad("{\"fault\":{\"type\":\"none\",\"bogus\":1}}", "unknown field 'fault.bogus'");
        bad("{\"ttft\":10}", "unknown field 'ttft'");
        bad("{\"chunk_tokens\":0}", "chunk_tokens must be between 1");
        bad("{\"output_tokens\":2.5}", "output_tokens must be a whole number");
        bad("{\"omit_usage\":\"yes\"}", "omit_usage must be true or false");
        bad("{\"reasoning_tokens\":-1}", "reasoning_tokens must be between 0 and");
        bad("{\"implicit_cache_min_tokens\":1.5}", "implicit_cache_min_tokens must be a whole number");
        bad("[1]", "body must be a JSON object");
        bad("{", "body is not valid JSON");
    }

    private static void bad(String body, String message) {
        given().contentType("application/json").body(body).put("/sim/providers/api-bad").then().statusCode(400)
                .body("error.code", equalTo(400)).body("error.message", containsString(message));
    }
}
