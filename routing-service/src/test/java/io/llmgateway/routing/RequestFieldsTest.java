package io.llmgateway.routing;

import static io.llmgateway.routing.GatewayRequests.post;
import static io.llmgateway.routing.GatewayRequests.withKey;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 22, end to end: the bad-value corpus (every case a 400 envelope naming the field, the gateway
 * still serving after it), the client's ids in the usage event, and against the real simulator
 * middle-out (what reached the provider fits its context) and {@code provider.zdr}.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
@WithTestResource(StubUpstream.class)
class RequestFieldsTest extends GatewayTest {

    /** The simulator models of this test: a 300-token context, and a provider marked zero-data-retention. */
    static void catalog(JsonArray providers, JsonArray models, String sim) {
        providers.add(StubUpstream.provider("sim-zdr", "openai", sim + "sim-zdr/v1").put("zdr", true))
                .add(StubUpstream.provider("sim-small", "openai", sim + "sim-small/v1"));
        models.add(StubUpstream.model("sim/small", StubUpstream.endpoint("sim-ep-small", "sim-small", "0.000001")
                .put("context_length", 300)))
                .add(StubUpstream.model("sim/private", StubUpstream.endpoint("sim-ep-private-a", "sim-a", "0.000001"),
                        StubUpstream.endpoint("sim-ep-private-zdr", "sim-zdr", "0.000009")));
    }

    static final String USER = "[{\"role\":\"user\",\"content\":\"hi\"}]";
    static final String TOOL = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}]";

    static String with(String extra) {
        return "{\"model\":\"test/model\",\"messages\":" + USER + extra + "}";
    }

    static String messages(String messages) {
        return "{\"model\":\"test/model\",\"messages\":" + messages + "}";
    }

    /** Request body → the field its 400 must name. */
    static List<String[]> corpus() {
        List<String[]> c = new ArrayList<>();
        String[][] extras = {
                { ",\"temperature\":7", "temperature" }, { ",\"temperature\":\"hot\"", "temperature" },
                { ",\"temperature\":-0.1", "temperature" }, { ",\"top_p\":1.5", "top_p" },
                { ",\"top_k\":-1", "top_k" }, { ",\"top_k\":1.5", "top_k" },
                { ",\"frequency_penalty\":3", "frequency_penalty" }, { ",\"presence_penalty\":-2.5", "presence_penalty" },
                { ",\"repetition_penalty\":0", "repetition_penalty" }, { ",\"repetition_penalty\":2.5", "repetition_penalty" },
                { ",\"min_p\":2", "min_p" }, { ",\"top_a\":-0.1", "top_a" },
                { ",\"seed\":\"x\"", "seed" }, { ",\"seed\":1.5", "seed" }, { ",\"logprobs\":\"yes\"", "logprobs" },
                { ",\"logprobs\":true,\"top_logprobs\":21", "top_logprobs" }, { ",\"top_logprobs\":3", "top_logprobs" },
                { ",\"max_tokens\":0", "max_tokens" }, { ",\"max_tokens\":-1", "max_tokens" },
                { ",\"max_completion_tokens\":\"10\"", "max_completion_tokens" },
                { ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]", "stop" }, { ",\"stop\":[1]", "stop[0]" }, { ",\"stop\":3", "stop" },
                { ",\"logit_bias\":{\"50256\":200}", "logit_bias.50256" }, { ",\"logit_bias\":{\"abc\":1}", "logit_bias.abc" },
                { ",\"logit_bias\":[]", "logit_bias" }, { ",\"n\":2", "n" }, { ",\"n\":0", "n" },
                { ",\"stream\":\"yes\"", "stream" }, { ",\"parallel_tool_calls\":1", "parallel_tool_calls" },
                { ",\"user\":5", "user" }, { ",\"session_id\":\"" + "s".repeat(257) + "\"", "session_id" },
                { ",\"metadata\":{\"a\":1}", "metadata.a" }, { ",\"modalities\":[\"image\"]", "modalities" },
                { ",\"reasoning_effort\":\"extreme\"", "reasoning_effort" },
                { ",\"response_format\":\"json\"", "response_format" },
                { ",\"response_format\":{\"type\":\"xml\"}", "response_format.type" },
                { ",\"response_format\":{\"type\":\"grammar\",\"grammar\":\"x\"}", "response_format.type" },
                { ",\"response_format\":{\"type\":\"json_schema\"}", "response_format.json_schema" },
                { ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":{}}}",
                        "response_format.json_schema.name" },
                { ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a b\",\"schema\":{}}}",
                        "response_format.json_schema.name" },
                { ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"schema\":\"x\"}}",
                        "response_format.json_schema.schema" },
                { ",\"tools\":{}", "tools" }, { ",\"tools\":[{\"type\":\"retrieval\"}]", "tools[0].type" },
                { ",\"tools\":[{\"type\":\"function\"}]", "tools[0].function" },
                { ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"bad name!\"}}]", "tools[0].function.name" },
                { ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"" + "f".repeat(65) + "\"}}]",
                        "tools[0].function.name" },
                { ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":\"x\"}}]",
                        "tools[0].function.parameters" },
                { ",\"tool_choice\":\"sometimes\"" + TOOL, "tool_choice" }, { ",\"tool_choice\":\"required\"", "tool_choice" },
                { ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"g\"}}" + TOOL, "tool_choice.function.name" },
                { ",\"tool_choice\":5" + TOOL, "tool_choice" },
                { ",\"reasoning\":\"high\"", "reasoning" }, { ",\"reasoning\":{\"effort\":\"extreme\"}", "reasoning.effort" },
                { ",\"reasoning\":{\"max_tokens\":-1}", "reasoning.max_tokens" },
                { ",\"reasoning\":{\"max_tokens\":\"many\"}", "reasoning.max_tokens" },
                { ",\"reasoning\":{\"exclude\":\"yes\"}", "reasoning.exclude" },
                { ",\"reasoning\":{\"enabled\":1}", "reasoning.enabled" },
                { ",\"reasoning\":{\"effort\":\"low\",\"max_tokens\":100}", "reasoning" },
                { ",\"plugins\":[{\"id\":\"web\"}]", "plugins[0].id" }, { ",\"plugins\":[{\"id\":\"file-parser\"}]", "plugins[0].id" },
                { ",\"plugins\":[{\"id\":\"response-healing\"}]", "plugins[0].id" }, { ",\"plugins\":{}", "plugins" },
                { ",\"transforms\":[\"squash\"]", "transforms[0]" }, { ",\"transforms\":\"middle-out\"", "transforms" },
                { ",\"provider\":{\"enforce_distillable_text\":true}", "provider.enforce_distillable_text" },
                { ",\"provider\":{\"max_price\":{\"audio\":1}}", "provider.max_price.audio" },
                { ",\"provider\":{\"max_price\":{\"request\":\"cheap\"}}", "provider.max_price.request" },
                { ",\"provider\":{\"max_price\":{\"image\":-1}}", "provider.max_price.image" },
                { ",\"provider\":{\"preferred_max_latency\":{\"p90\":2}}", "provider.preferred_max_latency.p90" },
                { ",\"provider\":{\"preferred_min_throughput\":\"fast\"}", "provider.preferred_min_throughput" },
                { ",\"provider\":{\"preferred_max_latency\":0}", "provider.preferred_max_latency" },
                { ",\"provider\":{\"sort\":\"exacto\"}", "provider.sort" },
                { ",\"provider\":{\"sort\":{\"by\":\"price\",\"partition\":\"provider\"}}", "provider.sort.partition" },
                { ",\"route\":\"random\"", "route" }, { ",\"debug\":{\"echo_upstream_body\":true}", "debug" },
                { ",\"trace\":{\"trace_id\":\"t\"}", "trace" },
                { ",\"provider\":{\"zdr\":\"yes\"}", "provider.zdr" }, { ",\"provider\":{\"bogus\":1}", "provider.bogus" },
        };
        for (String[] e : extras) {
            c.add(new String[] { with(e[0]), e[1] });
        }
        String[][] msgs = {
                { "[{\"role\":\"robot\",\"content\":\"hi\"}]", "messages[0].role" },
                { "[{\"role\":\"user\",\"content\":5}]", "messages[0].content" },
                { "[{\"role\":\"user\"}]", "messages[0].content" },
                { "[{\"role\":\"user\",\"content\":[{\"type\":\"audio_url\"}]}]", "messages[0].content[0].type" },
                { "[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]", "messages[0].content[0].text" },
                { "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{}}]}]",
                        "messages[0].content[0].image_url.url" },
                { "[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"x\"}}]}]",
                        "messages[0].content[0].input_audio" },
                { "[{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":{}}]}]", "messages[0].content[0].file" },
                { "[{\"role\":\"system\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}}]},"
                        + "{\"role\":\"user\",\"content\":\"hi\"}]", "messages[0].content[0].type" },
                { "[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"tool\",\"content\":\"42\"}]", "messages[1].tool_call_id" },
                { "[{\"role\":\"user\",\"content\":\"hi\",\"tool_calls\":[]}]", "messages[0].tool_calls" },
                { "[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":{}}}]}]", "messages[0].tool_calls[0].function.arguments" },
                { "[]", "messages" }, { "\"hi\"", "messages" },
        };
        for (String[] m : msgs) {
            c.add(new String[] { messages(m[0]), m[1] });
        }
        c.add(new String[] { "{\"model\":\"test/model:online\",\"messages\":" + USER + "}", "model" });
        c.add(new String[] { "{\"model\":\"test/model:exacto\",\"messages\":" + USER + "}", "model" });
        c.add(new String[] { "{\"model\":5,\"messages\":" + USER + "}", "model" });
        c.add(new String[] { "{\"models\":[],\"messages\":" + USER + "}", "models" });
        return c;
    }

    @Test
    void everyBadValueIsA400NamingItsFieldAndTheGatewayKeepsServing() {
        List<String> wrong = new ArrayList<>();
        for (String[] c : corpus()) {
            Response r = post(c[0]);
            String field = r.statusCode() == 400 ? r.jsonPath().getString("error.metadata.field") : null;
            if (r.statusCode() != 400 || !c[1].equals(field) || r.jsonPath().getInt("error.code") != 400
                    || r.jsonPath().getString("error.message").isBlank()) {
                wrong.add(r.statusCode() + " " + field + " (want " + c[1] + ") for " + c[0] + " → " + r.asString());
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " wrong:\n" + String.join("\n", wrong));
        withKey("sk-good").header("x-session-id", "s".repeat(257))
                .contentType("application/json").body(with("")).post("/api/v1/chat/completions").then().statusCode(400)
                .body("error.metadata.field", equalTo("x-session-id"));
        // the suite still serves, and accepts the good values of the same fields
        post(with(",\"temperature\":2,\"top_p\":0,\"top_k\":0,\"seed\":-3,\"stop\":[\"a\",\"b\",\"c\",\"d\"],"
                + "\"logit_bias\":{\"50256\":-100},\"logprobs\":true,\"top_logprobs\":20,\"n\":1,\"repetition_penalty\":2,"
                + "\"response_format\":{\"type\":\"text\"},"
                + "\"reasoning\":{\"effort\":\"low\",\"exclude\":true},\"user\":\"u\",\"session_id\":\"s\","
                + "\"transforms\":[\"middle-out\"],\"provider\":{\"zdr\":false,\"sort\":{\"by\":\"price\",\"partition\":\"none\"},"
                + "\"max_price\":{\"request\":\"0.01\",\"image\":0},\"preferred_max_latency\":{\"p50\":3},"
                + "\"preferred_min_throughput\":10,\"enforce_distillable_text\":false}"))
                .then().statusCode(200).body("choices[0].message.content", equalTo("Hello there"));
    }

    @Test
    void userSessionAndAppReachTheUsageEvent() throws Exception {
        String id = withKey("sk-good").header("HTTP-Referer", "https://app.example")
                .header("X-OpenRouter-Title", "Example App").contentType("application/json")
                .body(with(",\"user\":\"end-user-7\",\"session_id\":\"conv-1\"")).post("/api/v1/chat/completions")
                .then().statusCode(200).extract().path("id");
        JsonObject event = usageEvent(id);
        assertEquals("end-user-7", event.getString("user"));
        assertEquals("conv-1", event.getString("session_id"));
        assertEquals("https://app.example", event.getString("app_referer"));
        assertEquals("Example App", event.getString("app_title"));
        // the session header counts when the body has none; X-Title wins over X-OpenRouter-Title
        String id2 = withKey("sk-good").header("x-session-id", "conv-2")
                .header("X-Title", "Old Title").header("X-OpenRouter-Title", "New Title").contentType("application/json")
                .body(with("")).post("/api/v1/chat/completions").then().statusCode(200).extract().path("id");
        JsonObject event2 = usageEvent(id2);
        assertEquals("conv-2", event2.getString("session_id"));
        assertEquals("Old Title", event2.getString("app_title"));
    }

    JsonObject usageEvent(String generationId) throws InterruptedException {
        return new JsonObject(usageEventText(generationId));
    }

    @Test
    void middleOutSendsWhatFitsTheEndpointsContext() {
        Simulator.requireFresh();
        StringBuilder messages = new StringBuilder("[{\"role\":\"system\",\"content\":\"Be brief.\"}");
        for (int i = 0; i < 10; i++) {
            messages.append(",{\"role\":\"").append(i % 2 == 0 ? "user" : "assistant").append("\",\"content\":\"turn ")
                    .append(i).append(' ').append("lorem ipsum ".repeat(35)).append("\"}");
        }
        messages.append(",{\"role\":\"user\",\"content\":\"last question\"}]");
        String body = "{\"model\":\"sim/small\",\"max_tokens\":20,\"messages\":" + messages + "%s}";
        // about 1,100 tokens for a 300-token context: no endpoint without middle-out
        post(body.formatted("")).then().statusCode(404);
        post(body.formatted(",\"transforms\":[\"middle-out\"]")).then().statusCode(200).body("model", equalTo("sim/small"));
        List<Map<String, Object>> requests = Simulator.requests("sim-small");
        assertEquals(1, requests.size());
        JsonArray sent = JsonObject.mapFrom(requests.get(0).get("body")).getJsonArray("messages");
        assertTrue(sent.size() < 12 && sent.size() >= 3, "fewer messages: " + sent.size());
        assertEquals("system", sent.getJsonObject(0).getString("role"));
        assertTrue(sent.getJsonObject(1).getString("content").startsWith("turn 0"), "the first turn is kept");
        assertEquals("last question", sent.getJsonObject(sent.size() - 1).getString("content"));
        long chars = 0;
        for (int i = 0; i < sent.size(); i++) {
            chars += sent.getJsonObject(i).getString("content").length();
        }
        assertTrue(chars / 4 + 20 <= 300, "fits the 300-token context: " + chars + " chars");
    }

    @Test
    void zdrSendsTheRequestOnlyToAZeroRetentionProvider() {
        Simulator.requireFresh();
        String body = "{\"model\":\"sim/private\",\"messages\":" + USER + "%s}";
        JsonPath cheap = post(body.formatted(",\"provider\":{\"sort\":\"price\"}")).then().statusCode(200).extract().jsonPath();
        assertEquals("SIM-A", cheap.getString("provider"));
        post(body.formatted(",\"provider\":{\"sort\":\"price\",\"zdr\":true}")).then().statusCode(200)
                .body("provider", equalTo("SIM-ZDR"));
        assertEquals(1, Simulator.requests("sim-zdr").size());
        assertNotNull(Simulator.requests("sim-zdr").get(0).get("body"));
    }
}
