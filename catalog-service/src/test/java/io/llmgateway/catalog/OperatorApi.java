package io.llmgateway.catalog;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Requests to the operator API (/admin) with the test profile's operator token. */
public final class OperatorApi {

    private OperatorApi() {
    }

    public static RequestSpecification operator() {
        return given().header("Authorization", "Bearer test-operator-token").contentType(ContentType.JSON);
    }
}
