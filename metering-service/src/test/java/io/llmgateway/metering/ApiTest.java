package io.llmgateway.metering;

import static io.llmgateway.metering.TestSupport.await;
import static io.llmgateway.metering.TestSupport.count;
import static io.llmgateway.metering.TestSupport.ok;
import static io.llmgateway.metering.TestSupport.publish;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.contracts.internal.KeyState;
import io.llmgateway.metering.persistence.RollupRepository;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The public and internal APIs: OpenRouter shapes, account scoping, bad input as 400 envelopes. */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@WithTestResource(AuthStub.class)
class ApiTest {

    @Inject
    RedisDataSource redis;
    @Inject
    RedisKeys keys;
    @Inject
    RollupRepository rollups;

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private void ingest(String account, List<UsageEvent> events) {
        events.forEach(e -> publish(redis, keys, e));
        await("stored", () -> count("SELECT count(*) FROM generations WHERE account_id = '" + account + "'")
                == events.size());
    }

    /** Issue 22: the request's user and session, and the app headers, reach the generation and the time-series. */
    @Test
    void generationAndTimeSeriesKeepUserSessionAndApp() {
        String account = TestSupport.newAccount();
        String management = AuthStub.newKey(account, KeyState.MANAGEMENT);
        long t = now();
        UsageEvent base = TestSupport.ok(account, "kh", "openai/gpt-4o", "openai", t, "0.001");
        UsageEvent alice = withClient(base, "https://app.example", "Example App", "alice", "s-1");
        UsageEvent bob = withClient(TestSupport.ok(account, "kh", "openai/gpt-4o", "openai", t, "0.002"), null,
                "Titled Only", "bob", null);
        UsageEvent alice2 = withClient(TestSupport.ok(account, "kh", "openai/gpt-4o", "openai", t, "0.004"),
                "https://app.example", null, "alice", "s-1");
        ingest(account, List.of(alice, bob, alice2));
        JsonPath data = given().auth().oauth2(management).queryParam("id", alice.generationId())
                .get("/api/v1/generation").then().statusCode(200).extract().jsonPath().setRootPath("data");
        assertEquals("alice", data.getString("external_user"));
        assertEquals("s-1", data.getString("session_id"));
        assertEquals("https://app.example", data.getString("http_referer"));
        assertEquals("Example App", data.getString("app_title"));
        for (String group : List.of("user", "app")) {
            JsonPath series = given().auth().oauth2(management).queryParam("granularity", "minute")
                    .queryParam("group_by", group).queryParam("metrics", "requests,cost")
                    .get("/api/v1/usage/timeseries").then().statusCode(200).extract().jsonPath();
            Map<String, Integer> requests = new java.util.HashMap<>();
            for (Map<String, Object> s : series.<Map<String, Object>>getList("data.series")) {
                int sum = 0;
                for (Object p : (List<?>) s.get("points")) {
                    sum += ((Number) ((Map<?, ?>) p).get("requests")).intValue();
                }
                requests.put((String) s.get("group"), sum);
            }
            assertEquals(group.equals("user") ? Map.of("alice", 2, "bob", 1)
                    : Map.of("https://app.example", 2, "Titled Only", 1), requests, group);
        }
    }

    /** Issue 22: prompt tokens written to the provider's cache reach the generation, the time-series and activity. */
    @Test
    void cacheWriteTokensReachGenerationTimeSeriesAndActivity() {
        String account = TestSupport.newAccount();
        String management = AuthStub.newKey(account, KeyState.MANAGEMENT);
        long yesterdayNoon = LocalDate.now(ZoneOffset.UTC).minusDays(1).atTime(12, 0).toEpochSecond(ZoneOffset.UTC);
        UsageEvent writes = withCacheWrites(ok(account, "kh", "anthropic/claude", "anthropic", yesterdayNoon, "0.01"), 70);
        UsageEvent more = withCacheWrites(ok(account, "kh", "anthropic/claude", "anthropic", yesterdayNoon + 1, "0.01"), 5);
        ingest(account, List.of(writes, more));
        JsonPath data = given().auth().oauth2(management).queryParam("id", writes.generationId())
                .get("/api/v1/generation").then().statusCode(200).extract().jsonPath().setRootPath("data");
        assertEquals(70, data.getInt("native_tokens_cache_write"));
        assertEquals(20, data.getInt("native_tokens_cached"));

        JsonPath series = given().auth().oauth2(management).queryParam("granularity", "minute")
                .queryParam("from", yesterdayNoon - 60).queryParam("to", yesterdayNoon + 120)
                .queryParam("metrics", "cached_tokens,cache_write_tokens").get("/api/v1/usage/timeseries").then()
                .statusCode(200).extract().jsonPath();
        assertEquals(List.of(75), series.getList("data.series[0].points.cache_write_tokens"), series.prettify());
        assertEquals(List.of(40), series.getList("data.series[0].points.cached_tokens"), series.prettify());

        rollups.rollDirty().await().atMost(Duration.ofSeconds(30));
        JsonPath activity = given().auth().oauth2(management).get("/api/v1/activity").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(75, activity.getInt("data[0].cache_write_tokens"), activity.prettify());
        assertEquals(40, activity.getInt("data[0].cached_tokens"), activity.prettify());
    }

    private static UsageEvent withCacheWrites(UsageEvent e, long cacheWriteTokens) {
        return new UsageEvent(e.generationId(), e.createdAt(), e.keyHash(), e.accountId(), e.requestedModel(), e.model(),
                e.provider(), e.endpointId(), e.providerModel(), e.upstreamId(), e.attempts(), e.promptTokens(),
                e.completionTokens(), e.reasoningTokens(), e.cachedTokens(), e.tokensEstimated(), e.cost(), e.costMicros(),
                e.latencyMs(), e.ttftMs(), e.generationTimeMs(), e.streamed(), e.cancelled(), e.status(), e.httpStatus(),
                e.finishReason(), e.nativeFinishReason(), e.errorMessage(), e.appReferer(), e.appTitle(), e.traceparent(),
                cacheWriteTokens, e.user(), e.sessionId());
    }

    private static UsageEvent withClient(UsageEvent e, String referer, String title, String user, String session) {
        return new UsageEvent(e.generationId(), e.createdAt(), e.keyHash(), e.accountId(), e.requestedModel(), e.model(),
                e.provider(), e.endpointId(), e.providerModel(), e.upstreamId(), e.attempts(), e.promptTokens(),
                e.completionTokens(), e.reasoningTokens(), e.cachedTokens(), e.tokensEstimated(), e.cost(), e.costMicros(),
                e.latencyMs(), e.ttftMs(), e.generationTimeMs(), e.streamed(), e.cancelled(), e.status(), e.httpStatus(),
                e.finishReason(), e.nativeFinishReason(), e.errorMessage(), referer, title, e.traceparent(), e.cacheWriteTokens(),
                user, session);
    }

    @Test
    void generationHasTheOpenRouterShapeAndIsScopedToTheAccount() {
        String account = TestSupport.newAccount();
        String inference = AuthStub.newKey(account, KeyState.INFERENCE);
        String stranger = AuthStub.newKey(TestSupport.newAccount(), KeyState.MANAGEMENT);
        UsageEvent e = TestSupport.event(account, "kh", "openai/gpt-4o", "openai", now(), 120, 30, "0.000123456789",
                950, 210L, UsageEvent.STATUS_SUCCESS, 200);
        ingest(account, List.of(e));

        JsonPath data = given().auth().oauth2(inference).queryParam("id", e.generationId())
                .get("/api/v1/generation").then().statusCode(200).extract().jsonPath().setRootPath("data");
        assertEquals(e.generationId(), data.getString("id"));
        assertEquals("openai/gpt-4o", data.getString("model"));
        assertEquals("openai", data.getString("provider_name"));
        assertEquals(120, data.getInt("tokens_prompt"));
        assertEquals(30, data.getInt("tokens_completion"));
        assertEquals(120, data.getInt("native_tokens_prompt"));
        assertEquals(3, data.getInt("native_tokens_reasoning"));
        assertEquals(24, data.getInt("native_tokens_cached"));
        assertEquals(950, data.getInt("latency"));
        assertEquals(740, data.getInt("generation_time"));
        assertEquals("stop", data.getString("finish_reason"));
        assertEquals(true, data.getBoolean("streamed"));
        assertEquals(false, data.getBoolean("cancelled"));
        assertEquals("up-" + e.generationId(), data.getString("upstream_id"));
        assertEquals(1, data.getList("provider_responses").size());
        assertEquals(200, data.getInt("provider_responses[0].status"));
        assertEquals(Instant.ofEpochSecond(e.createdAt()), Instant.parse(data.getString("created_at")));
        Map<String, Object> raw = data.getMap("");
        for (String required : List.of("id", "upstream_id", "total_cost", "cache_discount", "upstream_inference_cost",
                "created_at", "model", "app_id", "streamed", "cancelled", "provider_name", "latency",
                "moderation_latency", "generation_time", "finish_reason", "service_tier", "tokens_prompt",
                "tokens_completion", "native_tokens_prompt", "native_tokens_completion",
                "native_tokens_completion_images", "native_tokens_reasoning", "native_tokens_cached", "num_media_prompt",
                "num_input_audio_prompt", "num_media_completion", "num_search_results", "num_fetches", "usage",
                "api_type", "data_region", "external_user", "http_referer", "is_byok", "native_finish_reason", "origin",
                "preset_id", "provider_responses", "router", "user_agent", "web_search_engine", "workspace_id")) {
            assertTrue(raw.containsKey(required), "required field " + required);
        }
        // the SDK's GenerationResponse: present, null where the gateway has no such notion
        for (String nullable : List.of("external_user", "preset_id", "user_agent", "web_search_engine")) {
            assertNull(raw.get(nullable), nullable);
        }
        assertEquals(account, data.getString("workspace_id"));
        for (String nonNull : List.of("id", "created_at", "model", "origin", "data_region", "is_byok", "total_cost",
                "usage")) {
            assertNotNull(raw.get(nonNull), nonNull);
        }
        // ProviderResponse: optional fields absent or set, never null; status present
        Map<String, Object> attempt = data.getMap("provider_responses[0]");
        assertTrue(attempt.containsKey("status"));
        attempt.forEach((field, value) -> assertTrue(field.equals("status") || value != null, field + " is null"));
        // exact cost survives the JSON number
        String body = given().auth().oauth2(inference).queryParam("id", e.generationId()).get("/api/v1/generation")
                .asString();
        assertTrue(body.contains("\"total_cost\":0.000123456789"), body);

        given().auth().oauth2(stranger).queryParam("id", e.generationId()).get("/api/v1/generation")
                .then().statusCode(404).body("error.code", equalTo(404));
        given().auth().oauth2("sk-unknown").queryParam("id", e.generationId()).get("/api/v1/generation")
                .then().statusCode(401).body("error.code", equalTo(401));
        given().get("/api/v1/generation?id=x").then().statusCode(401).body("error.message", notNullValue());
        given().auth().oauth2(inference).get("/api/v1/generation").then().statusCode(400).body("error.code", equalTo(400));
    }

    @Test
    void activityGroupsCompletedUtcDaysByModelAndEndpoint() {
        String account = TestSupport.newAccount();
        String management = AuthStub.newKey(account, KeyState.MANAGEMENT);
        String inference = AuthStub.newKey(account, KeyState.INFERENCE);
        long yesterdayNoon = LocalDate.now(ZoneOffset.UTC).minusDays(1).atTime(12, 0).toEpochSecond(ZoneOffset.UTC);
        ingest(account, List.of(
                ok(account, "key-a", "openai/gpt-4o", "openai", yesterdayNoon, "0.1"),
                ok(account, "key-a", "openai/gpt-4o", "openai", yesterdayNoon + 60, "0.2"),
                ok(account, "key-b", "openai/gpt-4o", "openai", yesterdayNoon + 7200, "0.3"),
                ok(account, "key-b", "anthropic/claude", "anthropic", yesterdayNoon, "1"),
                ok(account, "key-a", "openai/gpt-4o", "openai", now(), "5"))); // today: not a completed day
        rollups.rollDirty().await().atMost(Duration.ofSeconds(30));
        String yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();

        JsonPath all = given().auth().oauth2(management).get("/api/v1/activity").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(2, all.getList("data").size(), all.prettify());
        Map<String, Object> gpt = all.getMap("data.find { it.model == 'openai/gpt-4o' }");
        assertEquals(yesterday, gpt.get("date"));
        assertEquals("openai/gpt-4o", gpt.get("model_permaslug"));
        assertEquals("openai/openai/gpt-4o", gpt.get("endpoint_id"));
        assertEquals("openai", gpt.get("provider_name"));
        assertEquals(0, new BigDecimal("0.6").compareTo(new BigDecimal(gpt.get("usage").toString())));
        assertEquals(3, gpt.get("requests"));
        assertEquals(300, gpt.get("prompt_tokens"));
        assertEquals(150, gpt.get("completion_tokens"));
        assertEquals(15, gpt.get("reasoning_tokens"));
        assertNotNull(gpt.get("byok_usage_inference"));
        assertEquals(account, gpt.get("workspace_id"));

        given().auth().oauth2(management).queryParam("api_key_hash", "key-b").get("/api/v1/activity").then()
                .statusCode(200).body("data.size()", equalTo(2)).body("data.requests", hasItems(1, 1));
        given().auth().oauth2(management).queryParam("date", yesterday).get("/api/v1/activity").then()
                .statusCode(200).body("data.size()", equalTo(2));
        given().auth().oauth2(management).queryParam("date", "2001-01-01").get("/api/v1/activity").then()
                .statusCode(400).body("error.code", equalTo(400));
        given().auth().oauth2(management).queryParam("date", "yesterday").get("/api/v1/activity").then()
                .statusCode(400);
        given().auth().oauth2(inference).get("/api/v1/activity").then().statusCode(403).body("error.code", equalTo(403));
        String stranger = AuthStub.newKey(TestSupport.newAccount(), KeyState.MANAGEMENT);
        given().auth().oauth2(stranger).get("/api/v1/activity").then().statusCode(200).body("data.size()", equalTo(0));
    }

    @Test
    void timeseriesGroupsSumsAndPercentilesWithinTheAccount() {
        String account = TestSupport.newAccount();
        String management = AuthStub.newKey(account, KeyState.MANAGEMENT);
        long minute = now() / 60 * 60 - 120;
        ingest(account, List.of(
                TestSupport.event(account, "k", "m/one", "p1", minute, 10, 20, "0.01", 100, 50L, "success", 200),
                TestSupport.event(account, "k", "m/one", "p1", minute + 1, 10, 20, "0.02", 1000, 500L, "success", 200),
                TestSupport.event(account, "k", "m/two", "p2", minute + 61, 5, 0, "0", 300, null, "error", 502)));
        String from = Instant.ofEpochSecond(minute - 60).toString();
        String to = Instant.ofEpochSecond(minute + 120).toString();

        JsonPath byModel = given().auth().oauth2(management)
                .queryParams(Map.of("granularity", "minute", "from", from, "to", to, "group_by", "model",
                        "metrics", "requests,errors,total_tokens,cost,latency_p50_ms,ttft_p90_ms"))
                .get("/api/v1/usage/timeseries").then().statusCode(200).extract().jsonPath().setRootPath("data");
        assertEquals(false, byModel.getBoolean("capped"));
        assertEquals(2, byModel.getList("series").size());
        Map<String, Object> one = byModel.getMap("series.find { it.group == 'm/one' }.points[0]");
        assertEquals(2, one.get("requests"));
        assertEquals(60, one.get("total_tokens"));
        assertEquals(0, new BigDecimal("0.03").compareTo(new BigDecimal(one.get("cost").toString())));
        double p50 = ((Number) one.get("latency_p50_ms")).doubleValue();
        assertTrue(p50 >= 70 && p50 <= 130, "p50 of {100, 1000} lies in the bucket of 100: " + p50);
        Map<String, Object> two = byModel.getMap("series.find { it.group == 'm/two' }.points[0]");
        assertEquals(1, two.get("errors"));
        assertEquals(Instant.ofEpochSecond(minute + 60).toString(), two.get("t"));

        given().auth().oauth2(management).queryParams(Map.of("granularity", "minute", "from", from, "to", to))
                .get("/api/v1/usage/timeseries").then().statusCode(200)
                .body("data.series.size()", equalTo(1)).body("data.series[0].group", equalTo("all"))
                .body("data.series[0].points.requests", hasItems(2, 1));
        // nobody sees another account's usage
        String stranger = AuthStub.newKey(TestSupport.newAccount(), KeyState.MANAGEMENT);
        given().auth().oauth2(stranger).queryParams(Map.of("granularity", "minute", "from", from, "to", to))
                .get("/api/v1/usage/timeseries").then().statusCode(200).body("data.series.size()", equalTo(0));
    }

    @Test
    void badQueriesAreAnsweredWithTheErrorEnvelope() {
        String management = AuthStub.newKey(TestSupport.newAccount(), KeyState.MANAGEMENT);
        for (Map<String, String> q : List.of(Map.of("granularity", "week"), Map.of("group_by", "color"),
                Map.of("metrics", "requests,bogus"), Map.of("from", "yesterday"),
                Map.of("from", "2026-01-02T00:00:00Z", "to", "2026-01-01T00:00:00Z"))) {
            given().auth().oauth2(management).queryParams(q).get("/api/v1/usage/timeseries").then()
                    .statusCode(400).body("error.code", equalTo(400)).body("error.message", notNullValue());
        }
        given().auth().oauth2(management)
                .queryParams(Map.of("granularity", "minute", "from", "2020-01-01T00:00:00Z", "to", "2026-01-01T00:00:00Z"))
                .get("/api/v1/usage/timeseries").then().statusCode(200)
                .body("data.capped", equalTo(true)).body("data.from", equalTo("2025-12-31T00:00:00Z"));
    }

    @Test
    void readinessCoversPostgresAndRedis() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("Reactive PostgreSQL connections health check",
                        "Redis connection health check"));
    }

    @Test
    void endpointHealthComputesUptimeWithout429sAndPercentiles() {
        String account = TestSupport.newAccount();
        String provider = "hp-" + account;
        long t = now() - 30;
        ingest(account, List.of(
                TestSupport.event(account, "k", "m/h", provider, t, 10, 100, "0", 1000, 100L, "success", 200),
                TestSupport.event(account, "k", "m/h", provider, t, 10, 100, "0", 1000, 200L, "success", 200),
                TestSupport.event(account, "k", "m/h", provider, t, 10, 100, "0", 1000, 300L, "success", 200),
                TestSupport.event(account, "k", "m/h", provider, t, 10, 0, "0", 100, null, "error", 502),
                TestSupport.event(account, "k", "m/h", provider, t, 10, 0, "0", 100, null, "error", 429),
                TestSupport.event(account, "k", "m/h", provider, t, 10, 0, "0", 100, null, "cancelled", 499)));
        JsonPath health = given().get("/internal/endpoint-health").then().statusCode(200).extract().jsonPath();
        String path = "find { it.endpoint_id == '" + provider + "/m/h' }";
        assertEquals(75.0, health.getDouble(path + ".uptime5m"));
        assertEquals(75.0, health.getDouble(path + ".uptime30m"));
        assertEquals(75.0, health.getDouble(path + ".uptime1d"));
        assertEquals(6, health.getInt(path + ".requests30m"));
        double p50 = health.getDouble(path + ".latency_ms.p50");
        assertTrue(p50 > 140 && p50 < 260, "ttft p50 near 200: " + p50);
        assertNotNull(health.get(path + ".throughput_tps.p90"));
        String inference = AuthStub.newKey(account, KeyState.INFERENCE);
        given().auth().oauth2(inference).get("/api/v1/usage/endpoint-health").then().statusCode(200)
                .body("data.find { it.endpoint_id == '" + provider + "/m/h' }.uptime1d", equalTo(75.0f))
                .body("data.find { it.endpoint_id == 'nothing' }", nullValue());
    }
}
