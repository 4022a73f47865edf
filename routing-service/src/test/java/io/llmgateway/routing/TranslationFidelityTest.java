package io.llmgateway.routing;

import static io.llmgateway.routing.GatewayRequests.post;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Translation fidelity per feature and upstream protocol, against the real provider-simulator: what
 * reached the provider (the simulator's recorded request), what the client got, and what it cost
 * (to the micro-dollar, from the catalog's prompt, cache read/write, completion and reasoning prices,
 * the same in the answer and in the usage event). The simulator refuses protocol violations (an
 * Anthropic thinking block without its signature, a Gemini functionCall without its
 * thoughtSignature), so a passing two-turn loop proves the round trip.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
@WithTestResource(StubUpstream.class)
class TranslationFidelityTest extends GatewayTest {

    static final ObjectReader EXACT = Json.MAPPER.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    static final BigDecimal PROMPT = new BigDecimal("0.000003");
    static final BigDecimal COMPLETION = new BigDecimal("0.000015");
    static final BigDecimal CACHE_READ = new BigDecimal("0.0000003");
    static final BigDecimal CACHE_WRITE = new BigDecimal("0.00000375");
    static final BigDecimal REASONING = new BigDecimal("0.00002");
    static final String LONG_SYSTEM = "You are a meticulous assistant. ".repeat(40);
    static final String WEATHER_TOOL = """
            {"type":"function","function":{"name":"get_weather","description":"weather of a city",
             "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""";

    @BeforeEach
    void freshSimulator() {
        Simulator.requireFresh();
    }

    // ---------------------------------------------------------------- helpers

    static JsonNode tree(String text) {
        try {
            return EXACT.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static JsonNode chat(String body) {
        Response r = post(body);
        assertEquals(200, r.statusCode(), r.asString());
        return tree(r.asString());
    }

    /** The chunks of a streamed answer, in order. */
    static List<JsonNode> stream(String body) {
        Response r = post(body);
        assertEquals(200, r.statusCode(), r.asString());
        List<JsonNode> chunks = new ArrayList<>();
        for (String line : r.asString().split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                chunks.add(tree(line.substring(6)));
            }
        }
        return chunks;
    }

    /** The body of the last request the simulator received for a provider. */
    static JsonNode sent(String provider) {
        JsonNode requests = tree(given().get(StubUpstream.simulator + "/sim/providers/" + provider + "/stats").asString())
                .path("requests");
        return requests.get(requests.size() - 1);
    }

    /** The cost the catalog's prices give this usage. */
    static BigDecimal priced(JsonNode usage) {
        long prompt = usage.path("prompt_tokens").asLong();
        long read = usage.path("prompt_tokens_details").path("cached_tokens").asLong();
        long write = usage.path("prompt_tokens_details").path("cache_write_tokens").asLong();
        long completion = usage.path("completion_tokens").asLong();
        long reasoning = usage.path("completion_tokens_details").path("reasoning_tokens").asLong();
        return PROMPT.multiply(BigDecimal.valueOf(prompt - read - write)).add(CACHE_READ.multiply(BigDecimal.valueOf(read)))
                .add(CACHE_WRITE.multiply(BigDecimal.valueOf(write)))
                .add(COMPLETION.multiply(BigDecimal.valueOf(completion - reasoning)))
                .add(REASONING.multiply(BigDecimal.valueOf(reasoning)));
    }

    /** The answer's cost is the catalog's prices applied to its usage, and the usage event says the same. */
    void billedExactly(String id, JsonNode usage) throws InterruptedException {
        BigDecimal cost = usage.path("cost").decimalValue();
        assertEquals(0, priced(usage).compareTo(cost), "priced " + priced(usage) + " billed " + cost + " for " + usage);
        JsonNode event = usageEvent(id);
        assertEquals(0, cost.compareTo(event.path("cost").decimalValue()), event.toString());
        assertEquals(usage.path("prompt_tokens_details").path("cache_write_tokens").asLong(),
                event.path("cache_write_tokens").asLong(), event.toString());
        assertEquals(usage.path("prompt_tokens_details").path("cached_tokens").asLong(), event.path("cached_tokens").asLong());
        assertEquals(usage.path("completion_tokens_details").path("reasoning_tokens").asLong(),
                event.path("reasoning_tokens").asLong());
    }

    private JsonNode usageEvent(String id) throws InterruptedException {
        return tree(usageEventText(id));
    }

    static JsonNode message(JsonNode answer) {
        return answer.path("choices").get(0).path("message");
    }

    // ---------------------------------------------------------------- prompt caching

    static final String CACHED_REQUEST = """
            {"model":"%s","max_tokens":64,"cache_control":{"type":"ephemeral"},
             "messages":[{"role":"system","content":[{"type":"text","text":"%s","cache_control":{"type":"ephemeral"}}]},
               {"role":"user","content":[{"type":"text","text":"What is the weather in Paris?"}]}],
             "tools":[{"type":"function","cache_control":{"type":"ephemeral"},"function":{"name":"get_weather",
               "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],"tool_choice":"none"}""";

    @Test
    void anthropicKeepsEveryCacheControlAndBillsWritesThenReads() throws Exception {
        JsonNode first = chat(CACHED_REQUEST.formatted("sim/fid-claude", LONG_SYSTEM));
        JsonNode body = sent("sim-claude").path("body");
        assertTrue(body.path("system").isArray(), "system kept as blocks: " + body);
        assertEquals("ephemeral", body.path("system").get(0).path("cache_control").path("type").asText());
        assertEquals("ephemeral", body.path("tools").get(0).path("cache_control").path("type").asText());
        JsonNode lastBlock = body.path("messages").get(0).path("content").get(0);
        assertEquals("ephemeral", lastBlock.path("cache_control").path("type").asText(), "top-level on the last block");
        assertFalse(body.has("cache_control"));
        JsonNode u1 = first.path("usage");
        assertTrue(u1.path("prompt_tokens_details").path("cache_write_tokens").asLong() > 0, u1.toString());
        assertEquals(0, u1.path("prompt_tokens_details").path("cached_tokens").asLong());
        billedExactly(first.path("id").asText(), u1);

        JsonNode second = chat(CACHED_REQUEST.formatted("sim/fid-claude", LONG_SYSTEM));
        JsonNode u2 = second.path("usage");
        assertTrue(u2.path("prompt_tokens_details").path("cached_tokens").asLong() > 0, u2.toString());
        assertEquals(u1.path("prompt_tokens").asLong(), u2.path("prompt_tokens").asLong());
        billedExactly(second.path("id").asText(), u2);
    }

    @Test
    void openAiCachesByItselfPartsPassThroughAndReadsAreBilledAtTheCachePrice() throws Exception {
        Simulator.configure("sim-a", "{\"implicit_cache_min_tokens\":1}");
        chat(CACHED_REQUEST.formatted("sim/fid-openai", LONG_SYSTEM));
        JsonNode body = sent("sim-a").path("body");
        assertFalse(body.has("cache_control"), "OpenAI refuses unknown arguments: " + body);
        assertEquals("ephemeral", body.path("messages").get(0).path("content").get(0).path("cache_control").path("type")
                .asText());
        JsonNode second = chat(CACHED_REQUEST.formatted("sim/fid-openai", LONG_SYSTEM));
        assertTrue(second.path("usage").path("prompt_tokens_details").path("cached_tokens").asLong() > 0,
                second.toString());
        billedExactly(second.path("id").asText(), second.path("usage"));
    }

    @Test
    void geminiCachesImplicitlyAndReadsAreBilledAtTheCachePrice() throws Exception {
        Simulator.configure("sim-gemini", "{\"implicit_cache_min_tokens\":1}");
        chat(CACHED_REQUEST.formatted("sim/fid-gemini", LONG_SYSTEM));
        JsonNode body = sent("sim-gemini").path("body");
        assertFalse(body.toString().contains("cache_control"), body.toString());
        assertEquals(LONG_SYSTEM, body.path("systemInstruction").path("parts").get(0).path("text").asText());
        JsonNode second = chat(CACHED_REQUEST.formatted("sim/fid-gemini", LONG_SYSTEM));
        assertTrue(second.path("usage").path("prompt_tokens_details").path("cached_tokens").asLong() > 0,
                second.toString());
        billedExactly(second.path("id").asText(), second.path("usage"));
    }

    // ---------------------------------------------------------------- structured outputs

    static final String SCHEMA_REQUEST = """
            {"model":"%s","max_tokens":200,"messages":[{"role":"user","content":"Describe Paris as json"}],
             "response_format":{"type":"json_schema","json_schema":{"name":"city","strict":true,
               "schema":{"type":"object","properties":{"name":{"type":"string"},"population":{"type":"integer"}},
                 "required":["name","population"],"additionalProperties":false}}}}""";

    @Test
    void jsonSchemaReachesEachProtocolInItsNativeFormAndTheAnswerIsTheJson() {
        for (String[] p : new String[][] { { "sim/fid-openai", "sim-a" }, { "sim/fid-claude", "sim-claude" },
                { "sim/fid-gemini", "sim-gemini" } }) {
            JsonNode answer = chat(SCHEMA_REQUEST.formatted(p[0]));
            JsonNode body = sent(p[1]).path("body");
            JsonNode schema = switch (p[1]) {
                case "sim-a" -> body.path("response_format").path("json_schema").path("schema");
                case "sim-claude" -> body.path("output_config").path("format").path("schema");
                default -> body.path("generationConfig").path("responseJsonSchema");
            };
            assertEquals("integer", schema.path("properties").path("population").path("type").asText(), p[1] + ": " + body);
            if (p[1].equals("sim-gemini")) {
                assertEquals("application/json", body.path("generationConfig").path("responseMimeType").asText());
            }
            JsonNode content = tree(message(answer).path("content").asText());
            assertEquals("sample", content.path("name").asText(), p[1] + ": " + answer);
            assertEquals(1, content.path("population").asInt());
            assertEquals("stop", answer.path("choices").get(0).path("finish_reason").asText());
        }
    }

    @Test
    void anthropicJsonObjectIsAForcedToolWhoseInputIsTheAnswer() {
        String request = """
                {"model":"sim/fid-claude","max_tokens":200,"messages":[{"role":"user","content":"a json object please"}],
                 "response_format":{"type":"json_object"}%s}""";
        JsonNode answer = chat(request.formatted(""));
        JsonNode body = sent("sim-claude").path("body");
        assertEquals("tool", body.path("tool_choice").path("type").asText(), body.toString());
        assertTrue(message(answer).path("content").asText().startsWith("{"), answer.toString());
        assertFalse(message(answer).has("tool_calls"));
        assertEquals("stop", answer.path("choices").get(0).path("finish_reason").asText());

        StringBuilder content = new StringBuilder();
        for (JsonNode chunk : stream(request.formatted(",\"stream\":true"))) {
            for (JsonNode c : chunk.path("choices")) {
                content.append(c.path("delta").path("content").asText(""));
                assertFalse(c.path("delta").has("tool_calls"), chunk.toString());
            }
        }
        assertTrue(tree(content.toString()).isObject(), content.toString());
    }

    // ---------------------------------------------------------------- reasoning

    @Test
    void anthropicEffortBecomesAThinkingBudgetAndReasoningIsReturnedSignedAndBilled() throws Exception {
        JsonNode answer = chat("""
                {"model":"sim/fid-claude","max_tokens":2000,"reasoning":{"effort":"high"},
                 "messages":[{"role":"user","content":"think about it"}]}""");
        JsonNode body = sent("sim-claude").path("body");
        assertEquals("enabled", body.path("thinking").path("type").asText());
        assertEquals(1600, body.path("thinking").path("budget_tokens").asInt());
        assertEquals(2000, body.path("max_tokens").asInt());
        JsonNode m = message(answer);
        assertFalse(m.path("reasoning").asText().isEmpty(), answer.toString());
        JsonNode detail = m.path("reasoning_details").get(0);
        assertEquals("reasoning.text", detail.path("type").asText());
        assertEquals(m.path("reasoning").asText(), detail.path("text").asText());
        assertFalse(detail.path("signature").asText().isEmpty());
        assertEquals(8, answer.path("usage").path("completion_tokens_details").path("reasoning_tokens").asLong());
        billedExactly(answer.path("id").asText(), answer.path("usage"));
    }

    @Test
    void thinkingSuffixTurnsReasoningOnWithABudgetAboveTheMinimum() {
        chat("{\"model\":\"sim/fid-claude:thinking\",\"max_tokens\":500,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        JsonNode body = sent("sim-claude").path("body");
        assertEquals(1024, body.path("thinking").path("budget_tokens").asInt(), body.toString());
        assertEquals(1524, body.path("max_tokens").asInt());
        assertEquals("sim-claude-native", body.path("model").asText());
    }

    @Test
    void geminiThinkingConfigThoughtsAndTheirTokensBilledAtTheReasoningPrice() throws Exception {
        JsonNode answer = chat("""
                {"model":"sim/fid-gemini","max_tokens":1000,"reasoning":{"max_tokens":300},
                 "messages":[{"role":"user","content":"think about it"}]}""");
        JsonNode config = sent("sim-gemini").path("body").path("generationConfig").path("thinkingConfig");
        assertEquals(300, config.path("thinkingBudget").asInt(), config.toString());
        assertTrue(config.path("includeThoughts").asBoolean());
        JsonNode m = message(answer);
        assertFalse(m.path("reasoning").asText().isEmpty(), answer.toString());
        assertEquals("reasoning.text", m.path("reasoning_details").get(0).path("type").asText());
        assertEquals(8, answer.path("usage").path("completion_tokens_details").path("reasoning_tokens").asLong());
        billedExactly(answer.path("id").asText(), answer.path("usage"));
    }

    @Test
    void openAiReasoningEffortAndReasoningTokensBilledAtTheReasoningPrice() throws Exception {
        JsonNode answer = chat("""
                {"model":"sim/fid-openai","reasoning":{"effort":"low"},"messages":[{"role":"user","content":"hi"}]}""");
        JsonNode body = sent("sim-a").path("body");
        assertEquals("low", body.path("reasoning_effort").asText());
        assertFalse(body.has("reasoning"));
        assertFalse(message(answer).path("reasoning").asText().isEmpty(), answer.toString());
        assertEquals(8, answer.path("usage").path("completion_tokens_details").path("reasoning_tokens").asLong());
        billedExactly(answer.path("id").asText(), answer.path("usage"));
    }

    @Test
    void excludedReasoningIsCountedAndBilledButNotReturned() throws Exception {
        for (String model : List.of("sim/fid-claude", "sim/fid-gemini", "sim/fid-openai")) {
            String request = """
                    {"model":"%s","max_tokens":3000,"reasoning":{"max_tokens":1500,"exclude":true},
                     "messages":[{"role":"user","content":"think quietly"}]%s}""";
            JsonNode answer = chat(request.formatted(model, ""));
            assertFalse(message(answer).has("reasoning"), answer.toString());
            assertFalse(message(answer).path("reasoning_details").toString().contains("reasoning.text"));
            assertTrue(answer.path("usage").path("completion_tokens_details").path("reasoning_tokens").asLong() > 0,
                    model + ": " + answer);
            billedExactly(answer.path("id").asText(), answer.path("usage"));
            for (JsonNode chunk : stream(request.formatted(model, ",\"stream\":true"))) {
                assertFalse(chunk.toString().contains("\"reasoning\""), model + ": " + chunk);
            }
        }
    }

    @Test
    void anthropicStreamedThinkingCarriesTextAndSignatureDetails() throws Exception {
        List<JsonNode> chunks = stream("""
                {"model":"sim/fid-claude","max_tokens":3000,"reasoning":{"max_tokens":1024},"stream":true,
                 "messages":[{"role":"user","content":"think"}]}""");
        StringBuilder reasoning = new StringBuilder();
        String signature = null;
        JsonNode usage = null;
        for (JsonNode chunk : chunks) {
            for (JsonNode c : chunk.path("choices")) {
                reasoning.append(c.path("delta").path("reasoning").asText(""));
                for (JsonNode d : c.path("delta").path("reasoning_details")) {
                    signature = d.hasNonNull("signature") ? d.get("signature").asText() : signature;
                }
            }
            usage = chunk.has("usage") ? chunk.get("usage") : usage;
        }
        assertFalse(reasoning.toString().isEmpty());
        assertTrue(signature != null && !signature.isEmpty(), chunks.toString());
        assertEquals(8, usage.path("completion_tokens_details").path("reasoning_tokens").asLong(), usage.toString());
        billedExactly(chunks.get(0).path("id").asText(), usage);
    }

    // ---------------------------------------------------------------- two-turn thinking + tool loops

    static String turn(String model, String reasoning, String history) {
        return """
                {"model":"%s","max_tokens":4000,"reasoning":%s,"tools":[%s],
                 "messages":[{"role":"user","content":"What is the weather in Paris?"}%s]}"""
                .formatted(model, reasoning, WEATHER_TOOL, history);
    }

    /** Turn one calls the tool; turn two sends the call, its reasoning and the result back, as clients do. */
    void toolLoop(String model, String reasoning, boolean stream) {
        JsonNode m;
        if (stream) {
            m = accumulated(stream(turn(model, reasoning, "").replace("{\"model\"", "{\"stream\":true,\"model\"")));
        } else {
            m = message(chat(turn(model, reasoning, "")));
        }
        assertEquals(1, m.path("tool_calls").size(), m.toString());
        assertTrue(m.path("reasoning_details").size() > 0, m.toString());
        ObjectNode assistant = Json.object().put("role", "assistant").putNull("content");
        assistant.set("tool_calls", m.get("tool_calls"));
        assistant.set("reasoning_details", m.get("reasoning_details"));
        String id = m.path("tool_calls").get(0).path("id").asText();
        String history = "," + assistant + ",{\"role\":\"tool\",\"tool_call_id\":\"" + id + "\",\"content\":\"{\\\"temp\\\":21}\"}";
        if (!stream) { // the same turn without the reasoning it came with is refused upstream
            ObjectNode bare = assistant.deepCopy();
            bare.remove("reasoning_details");
            String without = "," + bare + ",{\"role\":\"tool\",\"tool_call_id\":\"" + id
                    + "\",\"content\":\"{\\\"temp\\\":21}\"}";
            Response refused = post(turn(model, reasoning, without));
            assertTrue(refused.statusCode() >= 400, refused.asString());
        }
        // the simulator refuses a replayed turn without its signature: a 200 is the round trip
        // (it calls the tool again whenever tools are offered, so the finish says nothing here)
        JsonNode second = chat(turn(model, reasoning, history));
        assertEquals(1, second.path("choices").size(), second.toString());
    }

    /** A streamed message put back together: tool calls by index, reasoning details by index. */
    static ObjectNode accumulated(List<JsonNode> chunks) {
        ObjectNode m = Json.object();
        ArrayNode calls = m.putArray("tool_calls");
        ArrayNode details = m.putArray("reasoning_details");
        for (JsonNode chunk : chunks) {
            for (JsonNode c : chunk.path("choices")) {
                for (JsonNode call : c.path("delta").path("tool_calls")) {
                    int i = call.path("index").asInt();
                    while (calls.size() <= i) {
                        calls.addObject().put("type", "function").putObject("function").put("arguments", "");
                    }
                    ObjectNode target = (ObjectNode) calls.get(i);
                    if (call.has("id")) {
                        target.put("id", call.get("id").asText());
                    }
                    ObjectNode f = (ObjectNode) target.get("function");
                    if (call.path("function").has("name")) {
                        f.put("name", call.path("function").get("name").asText());
                    }
                    f.put("arguments", f.get("arguments").asText() + call.path("function").path("arguments").asText(""));
                }
                for (JsonNode d : c.path("delta").path("reasoning_details")) {
                    int i = d.path("index").asInt();
                    while (details.size() <= i) {
                        details.addObject();
                    }
                    ObjectNode target = (ObjectNode) details.get(i);
                    d.properties().forEach(e -> {
                        if (e.getKey().equals("text") && target.has("text")) {
                            target.put("text", target.get("text").asText() + e.getValue().asText());
                        } else {
                            target.set(e.getKey(), e.getValue());
                        }
                    });
                }
            }
        }
        return m;
    }

    @Test
    void anthropicThinkingToolLoopRoundTripsTheSignedThinking() {
        toolLoop("sim/fid-claude", "{\"max_tokens\":2000}", false);
        JsonNode replayed = sent("sim-claude").path("body").path("messages").get(1).path("content");
        assertEquals("thinking", replayed.get(0).path("type").asText(), replayed.toString());
        assertEquals("tool_use", replayed.get(1).path("type").asText());
        toolLoop("sim/fid-claude", "{\"max_tokens\":2000}", true);
    }

    @Test
    void geminiThinkingToolLoopRoundTripsTheThoughtSignature() {
        toolLoop("sim/fid-gemini", "{\"effort\":\"medium\"}", false);
        JsonNode replayed = sent("sim-gemini").path("body").path("contents").get(1).path("parts").get(0);
        assertFalse(replayed.path("thoughtSignature").asText().isEmpty(), replayed.toString());
        toolLoop("sim/fid-gemini", "{\"effort\":\"medium\"}", true);
    }

    /** Gemini cannot be told to make one tool call: its endpoints are not chosen, the next model answers. */
    @Test
    void oneToolCallIsNotAskedOfGemini() {
        String ask = """
                {"model":"sim/fid-gemini","max_tokens":100,"parallel_tool_calls":false,"tools":[%s],
                 "messages":[{"role":"user","content":"What is the weather in Paris?"}]}""".formatted(WEATHER_TOOL);
        Response none = post(ask);
        assertEquals(404, none.statusCode(), none.asString());
        int before = tree(given().get(StubUpstream.simulator + "/sim/providers/sim-gemini/stats").asString())
                .path("requests").size();
        JsonNode served = chat(ask.replace("\"model\":\"sim/fid-gemini\"", "\"models\":[\"sim/fid-gemini\",\"sim/fid-claude\"]"));
        assertEquals("sim/fid-claude", served.path("model").asText(), served.toString());
        assertTrue(sent("sim-claude").path("body").path("tool_choice").path("disable_parallel_tool_use").asBoolean());
        assertEquals(before, tree(given().get(StubUpstream.simulator + "/sim/providers/sim-gemini/stats").asString())
                .path("requests").size(), "nothing was sent to Gemini");
        chat(ask.replace("false", "true")); // asking for parallel calls, Gemini serves as before
    }

    /** The Responses options reach each protocol as the README's table says. */
    @Test
    void responsesOptionsReachTheProviders() {
        String ask = """
                {"model":"%s","max_output_tokens":100,"input":"hi","prompt_cache_key":"k-1","safety_identifier":"s-1",
                 "service_tier":"auto","truncation":"auto"}""";
        for (String model : List.of("sim/fid-openai", "sim/fid-claude")) {
            Response r = given().header("Authorization", "Bearer sk-good").contentType("application/json")
                    .body(ask.formatted(model)).post("/api/v1/responses");
            assertEquals(200, r.statusCode(), r.asString());
        }
        JsonNode openai = sent("sim-a").path("body");
        assertEquals("k-1", openai.path("prompt_cache_key").asText(), openai.toString());
        assertEquals("s-1", openai.path("safety_identifier").asText());
        assertEquals("s-1", openai.path("user").asText());
        assertEquals("auto", openai.path("service_tier").asText());
        JsonNode anthropic = sent("sim-claude").path("body");
        assertEquals("s-1", anthropic.path("metadata").path("user_id").asText(), anthropic.toString());
        assertFalse(anthropic.has("service_tier") || anthropic.has("prompt_cache_key"), anthropic.toString());
    }

    // ---------------------------------------------------------------- files, tools, endpoint protocol

    static final String PDF = "data:application/pdf;base64,JVBERi0xLjQKJcfsj6IK";

    @Test
    void pdfFilePartsBecomeDocumentsAndInlineData() {
        String request = """
                {"model":"%s","max_tokens":50,"messages":[{"role":"user","content":[{"type":"text","text":"summarise"},
                 {"type":"file","file":{"filename":"a.pdf","file_data":"%s"},"cache_control":{"type":"ephemeral"}}]}]}""";
        chat(request.formatted("sim/fid-claude", PDF));
        JsonNode doc = sent("sim-claude").path("body").path("messages").get(0).path("content").get(1);
        assertEquals("document", doc.path("type").asText(), doc.toString());
        assertEquals("base64", doc.path("source").path("type").asText());
        assertEquals("application/pdf", doc.path("source").path("media_type").asText());
        assertEquals("JVBERi0xLjQKJcfsj6IK", doc.path("source").path("data").asText());
        assertEquals("ephemeral", doc.path("cache_control").path("type").asText());
        chat(request.formatted("sim/fid-gemini", PDF));
        JsonNode inline = sent("sim-gemini").path("body").path("contents").get(0).path("parts").get(1).path("inlineData");
        assertEquals("application/pdf", inline.path("mimeType").asText(), inline.toString());
        assertEquals("JVBERi0xLjQKJcfsj6IK", inline.path("data").asText());
        chat(request.formatted("sim/fid-openai", PDF));
        assertEquals("file", sent("sim-a").path("body").path("messages").get(0).path("content").get(1).path("type").asText());
    }

    @Test
    void aModelWhoseInputModalitiesLackTheImageIsNotChosen() {
        String parts = "[{\"type\":\"text\",\"text\":\"what is this?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}}]";
        Response refused = post("{\"model\":\"sim/fid-text\",\"messages\":[{\"role\":\"user\",\"content\":" + parts + "}]}");
        assertTrue(refused.statusCode() >= 400 && refused.statusCode() < 500, refused.asString());
        JsonNode answer = chat("{\"model\":\"sim/fid-text\",\"models\":[\"sim/fid-openai\"],"
                + "\"messages\":[{\"role\":\"user\",\"content\":" + parts + "}]}");
        assertEquals("sim/fid-openai", answer.path("model").asText(), answer.toString());
        assertEquals(0, tree(given().get(StubUpstream.simulator + "/sim/providers/sim-b/stats").asString())
                .path("calls").asInt(), "the text-only endpoint was never called");
        chat("{\"model\":\"sim/fid-text\",\"messages\":[{\"role\":\"user\",\"content\":\"text is fine\"}]}");
    }

    @Test
    void parallelToolCallsOffAndToolChoiceReachEachProtocol() {
        String request = """
                {"model":"%s","max_tokens":50,"parallel_tool_calls":false,"tools":[%s],
                 "tool_choice":{"type":"function","function":{"name":"get_weather"}},
                 "messages":[{"role":"user","content":"weather?"}]}""";
        JsonNode answer = chat(request.formatted("sim/fid-claude", WEATHER_TOOL));
        JsonNode choice = sent("sim-claude").path("body").path("tool_choice");
        assertEquals("tool", choice.path("type").asText(), choice.toString());
        assertEquals("get_weather", choice.path("name").asText());
        assertTrue(choice.path("disable_parallel_tool_use").asBoolean());
        assertEquals("tool_calls", answer.path("choices").get(0).path("finish_reason").asText());
        // Gemini cannot be told to make one call (oneToolCallIsNotAskedOfGemini): asked with parallel calls allowed
        chat(request.formatted("sim/fid-gemini", WEATHER_TOOL).replace("\"parallel_tool_calls\":false,", ""));
        JsonNode fcc = sent("sim-gemini").path("body").path("toolConfig").path("functionCallingConfig");
        assertEquals("ANY", fcc.path("mode").asText());
        assertEquals("get_weather", fcc.path("allowedFunctionNames").get(0).asText());
        chat(request.formatted("sim/fid-openai", WEATHER_TOOL));
        assertFalse(sent("sim-a").path("body").path("parallel_tool_calls").asBoolean(true));
    }

    @Test
    void anEndpointSpeaksItsOwnProtocolWhenTheCatalogRecordsOne() {
        JsonNode answer = chat("""
                {"model":"sim/vertex-claude","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}""");
        JsonNode request = sent("sim-vertex");
        assertEquals("/p/sim-vertex/v1/messages", request.path("path").asText(), request.toString());
        assertEquals("2023-06-01", request.path("headers").path("anthropic-version").asText());
        assertFalse(message(answer).path("content").asText().isEmpty());
    }
}
