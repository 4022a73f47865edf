package io.llmgateway.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Stats show what reached the provider: method, path, headers (secrets masked), query, body. */
@QuarkusTest
class RecordedRequestsTest {

    private static final String CHAT = "{\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"temperature\":0.5}";

    @Test
    void bodyHeadersAndQueryAreRecordedWithSecretsMasked() {
        given().contentType("application/json").header("Authorization", "Bearer sk-live-0123456789abcd")
                .header("x-api-key", "short").header("X-Title", "my app").body(CHAT)
                .post("/p/rec-a/v1/chat/completions").then().statusCode(200);
        given().get("/sim/providers/rec-a/stats").then().statusCode(200).body("calls", equalTo(1))
                .body("requests", hasSize(1))
                .body("requests[0].method", equalTo("POST"))
                .body("requests[0].path", equalTo("/p/rec-a/v1/chat/completions"))
                .body("requests[0].received_at", notNullValue())
                .body("requests[0].body.model", equalTo("m1"))
                .body("requests[0].body.temperature", equalTo(0.5f))
                .body("requests[0].body.messages[0].content", equalTo("hi"))
                .body("requests[0].headers.authorization", equalTo("Bearer ***abcd"))
                .body("requests[0].headers.x-api-key", equalTo("***"))
                .body("requests[0].headers.x-title", equalTo("my app"))
                .body("requests[0].status", equalTo(200));

        given().contentType("application/json").header("x-goog-api-key", "AIzaSy-0123456789-wxyz")
                .queryParam("key", "AIzaSy-secret-key-9876").queryParam("alt", "sse")
                .body("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}")
                .post("/p/rec-g/v1beta/models/gemini-x:streamGenerateContent").then().statusCode(200);
        given().get("/sim/providers/rec-g/stats").then()
                .body("requests[0].headers.x-goog-api-key", equalTo("***wxyz"))
                .body("requests[0].query.key", equalTo("***9876"))
                .body("requests[0].query.alt", equalTo("sse"))
                .body("requests[0].body.contents[0].parts[0].text", equalTo("hi"));
    }

    @Test
    void invalidBodiesAreRecordedAsText() {
        given().contentType("application/json").body("{not json").post("/p/rec-bad/v1/messages").then()
                .statusCode(400);
        given().get("/sim/providers/rec-bad/stats").then().body("requests[0].status", equalTo(400))
                .body("requests[0].body", equalTo("{not json"));
    }

    @Test
    void onlyTheNewestRequestsKeepTheirBodies() {
        // the test profile keeps 20 entries, the newest 10 with their bodies
        for (int i = 0; i < 25; i++) {
            given().contentType("application/json").body(CHAT.replace("hi", "hi " + i))
                    .post("/p/rec-ring/v1/chat/completions").then().statusCode(200);
        }
        given().get("/sim/providers/rec-ring/stats").then().body("calls", equalTo(25)).body("requests", hasSize(20))
                .body("requests[0].body", nullValue()).body("requests[0].headers", nullValue())
                .body("requests[0].path", equalTo("/p/rec-ring/v1/chat/completions"))
                .body("requests[9].body", nullValue())
                .body("requests[10].body.messages[0].content", equalTo("hi 15"))
                .body("requests[19].body.messages[0].content", equalTo("hi 24"));
    }

    @Test
    void deleteRequestsClearsOnlyTheRecordedRequests() {
        given().contentType("application/json").body("{\"output_tokens\":3}").put("/sim/providers/rec-clear").then()
                .statusCode(200);
        given().contentType("application/json").body(CHAT).post("/p/rec-clear/v1/chat/completions").then()
                .statusCode(200);
        given().delete("/sim/providers/rec-clear/requests").then().statusCode(204);
        given().get("/sim/providers/rec-clear/stats").then().body("calls", equalTo(1)).body("requests", hasSize(0));
        given().get("/sim/providers/rec-clear").then().body("output_tokens", equalTo(3));
        given().delete("/sim/providers/rec-clear").then().statusCode(204);
        given().get("/sim/providers/rec-clear/stats").then().body("calls", equalTo(0));
    }
}
