package io.llmgateway.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.auth.service.KeySecrets;
import io.llmgateway.auth.support.Api;
import io.llmgateway.auth.support.KeyState;
import io.llmgateway.auth.support.TestClock;
import io.llmgateway.contracts.events.KeyEvent;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public key API, the operator API and the internal key state on real PostgreSQL and Redis. */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class KeyApiTest {

    @Inject
    ObjectMapper mapper;
    @Inject
    KeyState keyState;
    @Inject
    TestClock clock;

    @Test
    void keyLifecycleThroughThePublicApi() {
        Api.Account account = Api.account("25.00");
        assertTrue(account.managementKey().matches("sk-gw-v1-[0-9a-f]{64}"));
        assertEquals(KeySecrets.hash(account.managementKey()), account.managementHash());

        auth(account.managementKey()).get("/api/v1/key").then().statusCode(200)
                .body("data.is_management_key", equalTo(true))
                .body("data.is_provisioning_key", equalTo(true))
                .body("data.label", equalTo(KeySecrets.label(account.managementKey())));

        Response created = auth(account.managementKey()).contentType(ContentType.JSON)
                .body("{\"name\":\"prod\",\"limit\":10.5,\"limit_reset\":\"daily\","
                        + "\"rate_limit\":{\"requests_per_minute\":60,\"tokens_per_minute\":1000}}")
                .post("/api/v1/keys").then().statusCode(201)
                .body("data.name", equalTo("prod"))
                .body("data.limit", equalTo(10.5f))
                .body("data.limit_remaining", equalTo(10.5f))
                .body("data.limit_reset", equalTo("daily"))
                .body("data.disabled", equalTo(false))
                .body("data.is_management_key", equalTo(false))
                .body("data.rate_limit.requests_per_minute", equalTo(60))
                .body("data.workspace_id", equalTo(account.id()))
                .extract().response();
        String secret = created.path("key");
        String hash = created.path("data.hash");
        assertTrue(secret.matches("sk-gw-v1-[0-9a-f]{64}"));
        assertEquals(KeySecrets.hash(secret), hash);
        assertFalse(created.path("data").toString().contains(secret), "the key object never carries the secret");

        String listed = auth(account.managementKey()).get("/api/v1/keys").then().statusCode(200)
                .body("data.hash", hasItem(hash)).extract().asString();
        assertFalse(listed.contains(secret), "secrets are shown once, at creation");
        assertFalse(listed.contains(account.managementKey()));

        auth(secret).get("/api/v1/key").then().statusCode(200)
                .body("data.is_management_key", equalTo(false))
                .body("data.limit_remaining", equalTo(10.5f))
                .body("data.usage", equalTo(0))
                .body("data.rate_limit.tokens_per_minute", equalTo(1000));

        long versionBefore = internal(hash).<Number>path("version").longValue();
        auth(account.managementKey()).contentType(ContentType.JSON)
                .body("{\"name\":\"renamed\",\"limit\":null,\"rate_limit\":{\"tokens_per_minute\":null}}")
                .patch("/api/v1/keys/" + hash).then().statusCode(200)
                .body("data.name", equalTo("renamed"))
                .body("data.limit", nullValue())
                .body("data.limit_remaining", nullValue())
                .body("data.limit_reset", equalTo("daily"))
                .body("data.rate_limit.requests_per_minute", equalTo(60))
                .body("data.rate_limit.tokens_per_minute", nullValue());
        Response state = internal(hash);
        assertTrue(state.<Number>path("version").longValue() > versionBefore, "version grows with every change");
        assertEquals("inference", state.path("kind"));
        assertEquals(account.id(), state.path("account_id"));
        assertEquals(25, state.<Integer>path("account_balance"));

        auth(account.managementKey()).contentType(ContentType.JSON).body("{\"disabled\":true}")
                .patch("/api/v1/keys/" + hash).then().statusCode(200).body("data.disabled", equalTo(true));
        auth(secret).get("/api/v1/key").then().statusCode(401).body("error.code", equalTo(401));
        auth(account.managementKey()).get("/api/v1/keys").then().statusCode(200).body("data.hash", not(hasItem(hash)));
        auth(account.managementKey()).queryParam("include_disabled", "true").get("/api/v1/keys").then()
                .statusCode(200).body("data.hash", hasItem(hash));

        auth(account.managementKey()).delete("/api/v1/keys/" + hash).then().statusCode(200)
                .body("deleted", equalTo(true));
        auth(account.managementKey()).get("/api/v1/keys/" + hash).then().statusCode(404).body("error.code", equalTo(404));
        given().get("/internal/keys/" + hash).then().statusCode(404).body("error.code", equalTo(404));

        List<KeyEvent> events = keyState.events();
        assertTrue(events.stream().anyMatch(e -> KeyEvent.KEY_UPDATED.equals(e.type()) && hash.equals(e.keyHash())
                && e.state() != null && e.state().disabled()), "disable published with the full state");
        assertTrue(events.stream().anyMatch(e -> KeyEvent.KEY_DELETED.equals(e.type()) && hash.equals(e.keyHash())));
        assertTrue(events.stream().anyMatch(e -> KeyEvent.ACCOUNT_BALANCE.equals(e.type())
                && account.id().equals(e.accountId()) && e.accountBalance().compareTo(new java.math.BigDecimal("25")) == 0));
    }

    @Test
    void inferenceKeysCannotManageKeysOrReadCredits() {
        Api.Account account = Api.account("5");
        Api.Key key = Api.key(account, "{\"name\":\"inference\"}");
        auth(key.secret()).get("/api/v1/keys").then().statusCode(403).body("error.code", equalTo(403));
        auth(key.secret()).contentType(ContentType.JSON).body("{\"name\":\"x\"}").post("/api/v1/keys").then()
                .statusCode(403);
        auth(key.secret()).get("/api/v1/keys/" + key.hash()).then().statusCode(403);
        auth(key.secret()).delete("/api/v1/keys/" + key.hash()).then().statusCode(403);
        auth(key.secret()).get("/api/v1/credits").then().statusCode(403);
        auth(account.managementKey()).get("/api/v1/credits").then().statusCode(200)
                .body("data.total_credits", equalTo(5)).body("data.total_usage", equalTo(0));
    }

    @Test
    void accountsCannotSeeOrTouchEachOthersKeys() {
        Api.Account a = Api.account("1");
        Api.Account b = Api.account("1");
        Api.Key aKey = Api.key(a, "{\"name\":\"a's key\"}");
        auth(b.managementKey()).get("/api/v1/keys/" + aKey.hash()).then().statusCode(404);
        auth(b.managementKey()).contentType(ContentType.JSON).body("{\"disabled\":true}")
                .patch("/api/v1/keys/" + aKey.hash()).then().statusCode(404);
        auth(b.managementKey()).delete("/api/v1/keys/" + aKey.hash()).then().statusCode(404);
        auth(b.managementKey()).get("/api/v1/keys").then().statusCode(200).body("data.hash", not(hasItem(aKey.hash())));
        auth(aKey.secret()).get("/api/v1/key").then().statusCode(200).body("data.is_management_key", equalTo(false));
    }

    @Test
    void badInputIsAnsweredWithTheEnvelope() {
        Api.Account account = Api.account("1");
        String mgmt = account.managementKey();
        postKey(mgmt, "{\"name\":\"x\",\"limit\":-1}", 400, "negative");
        postKey(mgmt, "{\"name\":\"x\",\"expires_at\":\"2001-01-01T00:00:00Z\"}", 400, "future");
        postKey(mgmt, "{\"name\":\"x\",\"superuser\":true}", 400, "superuser");
        postKey(mgmt, "{\"name\":", 400, "");
        postKey(mgmt, "{\"name\":\"x\",\"limit_reset\":\"hourly\"}", 400, "limit_reset");
        postKey(mgmt, "{\"name\":\"x\",\"rate_limit\":{\"requests_per_minute\":0}}", 400, "requests_per_minute");
        postKey(mgmt, "{\"name\":\"x\",\"rate_limit\":{\"burst\":5}}", 400, "burst");
        postKey(mgmt, "{\"limit\":1}", 400, "name");
        postKey(mgmt, "{\"name\":\"x\",\"limit\":\"lots\"}", 400, "limit");

        Api.Key key = Api.key(account, "{\"name\":\"target\"}");
        patchKey(mgmt, key.hash(), "{\"owner\":\"me\"}", 400, "owner");
        patchKey(mgmt, key.hash(), "[1,2]", 400, "object");
        patchKey(mgmt, key.hash(), "{\"limit\":-5}", 400, "negative");
        patchKey(mgmt, key.hash(), "{\"expires_at\":\"2001-01-01T00:00:00Z\"}", 400, "future");
        patchKey(mgmt, key.hash(), "{\"disabled\":\"yes\"}", 400, "disabled");
        patchKey(mgmt, "f".repeat(64), "{\"disabled\":true}", 404, "Unknown");
        auth(mgmt).get("/api/v1/keys/' OR '1'='1").then().statusCode(404);
        auth(mgmt).queryParam("offset", "-1").get("/api/v1/keys").then().statusCode(400);

        String bogus = KeySecrets.newSecret();
        String body = auth(bogus).get("/api/v1/key").then().statusCode(401).body("error.code", equalTo(401))
                .extract().asString();
        assertFalse(body.contains(bogus), "a secret never appears in an error");
        given().get("/api/v1/key").then().statusCode(401).body("error.message", notNullValue());
        given().get("/api/v1/credits").then().statusCode(401);
    }

    @Test
    void expiredKeysAreRejected() {
        Api.Account account = Api.account("1");
        Api.Key key = Api.key(account, "{\"name\":\"short-lived\",\"expires_at\":\""
                + Instant.now().plus(Duration.ofHours(1)) + "\"}");
        auth(key.secret()).get("/api/v1/key").then().statusCode(200).body("data.expires_at", notNullValue());
        clock.set(Instant.now().plus(Duration.ofHours(2)));
        auth(key.secret()).get("/api/v1/key").then().statusCode(401).body("error.message", containsString("expired"));
    }

    @Test
    void operatorApiManagesCredits() {
        given().contentType(ContentType.JSON).body("{\"name\":\"x\",\"credits\":\"1\"}").post("/admin/accounts")
                .then().statusCode(401).body("error.code", equalTo(401));
        given().header("Authorization", "Bearer wrong").contentType(ContentType.JSON)
                .body("{\"name\":\"x\",\"credits\":\"1\"}").post("/admin/accounts").then().statusCode(401);
        operator().body("{\"name\":\"x\",\"credits\":\"-1\"}").post("/admin/accounts").then().statusCode(400);

        Api.Account account = Api.account("25.00");
        operator().body("{\"amount\":\"10.00\",\"note\":\"invoice 7\"}").post("/admin/accounts/" + account.id() + "/credits")
                .then().statusCode(200).body("account_id", equalTo(account.id())).body("balance", equalTo(35));
        operator().body("{\"amount\":\"-5.5\",\"note\":\"refund\"}").post("/admin/accounts/" + account.id() + "/credits")
                .then().statusCode(200).body("balance", equalTo(29.5f));
        operator().body("{\"amount\":\"0\"}").post("/admin/accounts/" + account.id() + "/credits").then().statusCode(400);
        operator().body("{\"amount\":\"1\"}").post("/admin/accounts/no-such-account/credits").then().statusCode(404);
        given().header("Authorization", Api.OPERATOR).get("/admin/accounts/" + account.id()).then().statusCode(200)
                .body("balance", equalTo(29.5f)).body("total_credits", equalTo(29.5f)).body("total_usage", equalTo(0))
                .body("keys", equalTo(1));
        auth(account.managementKey()).get("/api/v1/credits").then().statusCode(200)
                .body("data.total_credits", equalTo(29.5f));
        Api.eventually(() -> keyState.events().stream().anyMatch(e -> KeyEvent.ACCOUNT_BALANCE.equals(e.type())
                && account.id().equals(e.accountId()) && e.accountBalance().compareTo(new java.math.BigDecimal("29.5")) == 0)
                ? true : null);
    }

    private static Response internal(String hash) {
        return given().get("/internal/keys/" + hash).then().statusCode(200).extract().response();
    }

    private static io.restassured.specification.RequestSpecification auth(String secret) {
        return given().header("Authorization", "Bearer " + secret);
    }

    private static io.restassured.specification.RequestSpecification operator() {
        return given().header("Authorization", Api.OPERATOR).contentType(ContentType.JSON);
    }

    private static void postKey(String mgmt, String body, int status, String messagePart) {
        auth(mgmt).contentType(ContentType.JSON).body(body).post("/api/v1/keys").then().statusCode(status)
                .body("error.code", equalTo(status)).body("error.message", containsString(messagePart));
    }

    private static void patchKey(String mgmt, String hash, String body, int status, String messagePart) {
        auth(mgmt).contentType(ContentType.JSON).body(body).patch("/api/v1/keys/" + hash).then().statusCode(status)
                .body("error.code", equalTo(status)).body("error.message", containsString(messagePart));
    }

    /**
     * Every field OpenRouter's TypeScript SDK (1.3.19, strict zod schemas) requires in a key object and in
     * {@code GET /api/v1/key}: nullable-but-required fields present as null, the others of the right type.
     */
    @Test
    void keyObjectsCarryEveryFieldTheOpenRouterSdkRequires() throws Exception {
        clock.set(Instant.now());
        Api.Account account = Api.account("5.00");
        Api.Key key = Api.key(account, "{\"name\":\"sdk\"}");
        String counter = keyState.freeDailyCounter(account, key, clock.instant());
        assertTrue(counter.endsWith("gw:{acct:" + account.id() + "}:rl:" + key.hash() + ":free:d:"
                + clock.instant().getEpochSecond() / 86400));
        keyState.set(counter, 7);
        try {
            JsonNode current = json(auth(key.secret()).get("/api/v1/key").then().statusCode(200)).get("data");
            assertTrue(current.get("allowed_data_regions").isArray());
            assertEquals(0, current.get("allowed_data_regions").size());
            JsonNode free = current.get("free_model_daily_requests");
            assertEquals(200, free.get("limit").intValue());
            assertEquals(7, free.get("used").intValue());
            assertEquals(193, free.get("remaining").intValue());
            assertTrue(free.get("limit").isIntegralNumber() && free.get("used").isIntegralNumber()
                    && free.get("remaining").isIntegralNumber());
            assertPresentNull(current, "organization_id");
            assertPresentNull(current, "creator_user_id");
            assertEquals(account.id(), current.get("workspace_id").textValue());
            for (String n : List.of("byok_usage", "byok_usage_daily", "byok_usage_weekly", "byok_usage_monthly",
                    "usage", "usage_daily", "usage_weekly", "usage_monthly")) {
                assertTrue(current.get(n).isNumber(), n);
            }
            for (String b : List.of("include_byok_in_limit", "is_free_tier", "is_management_key", "is_provisioning_key")) {
                assertTrue(current.get(b).isBoolean(), b);
            }
            assertTrue(current.get("label").isTextual());
            for (String n : List.of("limit", "limit_remaining", "limit_reset")) {
                assertTrue(current.has(n), n);
            }
            assertTrue(current.get("rate_limit").get("requests").isIntegralNumber());
            assertTrue(current.get("rate_limit").get("interval").isTextual());
            assertTrue(current.get("rate_limit").get("note").isTextual());

            keyState.delete(counter);
            JsonNode none = json(auth(key.secret()).get("/api/v1/key").then().statusCode(200)).get("data");
            assertEquals(0, none.get("free_model_daily_requests").get("used").intValue());
            assertEquals(200, none.get("free_model_daily_requests").get("remaining").intValue());
        } finally {
            keyState.delete(counter);
        }

        String management = account.managementKey();
        JsonNode createdBody = json(auth(management).contentType(ContentType.JSON)
                .body("{\"name\":\"sdk2\",\"expires_at\":\"" + Instant.now().plus(Duration.ofDays(3)) + "\"}")
                .post("/api/v1/keys").then().statusCode(201));
        assertTrue(createdBody.get("key").isTextual());
        assertSdkKey(createdBody.get("data"), account);
        JsonNode listed = json(auth(management).get("/api/v1/keys").then().statusCode(200)).get("data");
        assertTrue(listed.size() >= 3);
        listed.forEach(item -> assertSdkKey(item, account));
        assertSdkKey(json(auth(management).get("/api/v1/keys/" + key.hash()).then().statusCode(200)).get("data"),
                account);
        assertSdkKey(json(auth(management).contentType(ContentType.JSON).body("{\"name\":\"renamed\"}")
                .patch("/api/v1/keys/" + key.hash()).then().statusCode(200)).get("data"), account);
    }

    private JsonNode json(io.restassured.response.ValidatableResponse response) {
        try {
            return mapper.readTree(response.extract().asString());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertPresentNull(JsonNode node, String field) {
        assertTrue(node.has(field), field + " missing");
        assertTrue(node.get(field).isNull(), field + " not null");
    }

    /** The SDK's key object (list / get / create / update): z.nullable without .optional() must be present. */
    private static void assertSdkKey(JsonNode key, Api.Account account) {
        for (String n : List.of("byok_usage", "byok_usage_daily", "byok_usage_weekly", "byok_usage_monthly", "usage",
                "usage_daily", "usage_weekly", "usage_monthly")) {
            assertTrue(key.get(n) != null && key.get(n).isNumber(), n);
        }
        for (String t : List.of("created_at", "hash", "label", "name", "workspace_id")) {
            assertTrue(key.get(t) != null && key.get(t).isTextual(), t);
        }
        assertTrue(key.get("disabled").isBoolean());
        assertTrue(key.get("include_byok_in_limit").isBoolean());
        assertPresentNull(key, "external_user");
        assertPresentNull(key, "creator_user_id");
        for (String n : List.of("limit", "limit_remaining")) {
            assertTrue(key.has(n) && (key.get(n).isNull() || key.get(n).isNumber()), n);
        }
        assertTrue(key.has("limit_reset") && (key.get("limit_reset").isNull() || key.get("limit_reset").isTextual()));
        assertTrue(key.has("updated_at") && (key.get("updated_at").isNull() || key.get("updated_at").isTextual()));
        if (key.has("expires_at") && !key.get("expires_at").isNull()) {
            Instant.parse(key.get("expires_at").textValue());
        }
        assertEquals(account.id(), key.get("workspace_id").textValue());
    }
}
