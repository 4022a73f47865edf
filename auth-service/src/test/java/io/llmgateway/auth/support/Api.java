package io.llmgateway.auth.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.function.Supplier;

/** Small helpers over the HTTP API for the integration tests. */
public final class Api {

    public static final String OPERATOR = "Bearer test-operator-token";

    private Api() {
    }

    public record Account(String id, String managementKey, String managementHash) {
    }

    public record Key(String secret, String hash) {
    }

    public static Account account(String credits) {
        Response r = given().header("Authorization", OPERATOR).contentType(ContentType.JSON)
                .body("{\"name\":\"test\",\"credits\":\"" + credits + "\"}")
                .post("/admin/accounts").then().statusCode(200).extract().response();
        return new Account(r.path("account_id"), r.path("management_key"), r.path("management_key_hash"));
    }

    public static Key key(Account account, String body) {
        Response r = given().header("Authorization", "Bearer " + account.managementKey()).contentType(ContentType.JSON)
                .body(body).post("/api/v1/keys").then().statusCode(201).extract().response();
        return new Key(r.path("key"), r.path("data.hash"));
    }

    /** Polls until {@code check} returns non-null, at most 15 s. */
    public static <T> T eventually(Supplier<T> check) {
        long deadline = System.currentTimeMillis() + 15_000;
        AssertionError last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                T value = check.get();
                if (value != null) {
                    return value;
                }
            } catch (AssertionError e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw last != null ? last : new AssertionError("condition not met within 15 s");
    }
}
