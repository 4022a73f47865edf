package io.llmgateway.routing;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** Requests to the gateway as the OpenAI-compatible clients send them: a JSON body and the key as a bearer token. */
final class GatewayRequests {

    static final String CHAT_COMPLETIONS = "/api/v1/chat/completions";

    private GatewayRequests() {
    }

    static RequestSpecification withKey(String key) {
        return given().header("Authorization", "Bearer " + key).contentType("application/json");
    }

    /** A chat completion with the test's default key. */
    static Response post(String body) {
        return post("sk-good", body);
    }

    static Response post(String key, String body) {
        return withKey(key).body(body).post(CHAT_COMPLETIONS);
    }
}
