package io.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.canonical.Answer;
import io.llmgateway.routing.canonical.CanonicalRequest;
import io.llmgateway.routing.canonical.Completion;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.StreamHead;
import io.llmgateway.routing.canonical.StreamWriter;
import io.llmgateway.routing.canonical.TokenUsage;
import io.llmgateway.routing.ingress.chat.ChatRequestParser;
import io.llmgateway.routing.ingress.messages.MessagesFormat;
import io.llmgateway.routing.upstream.protocol.AnthropicAdapter;
import io.llmgateway.routing.upstream.protocol.OpenAiAdapter;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Messages ingress format without a network: a whole conversation (system blocks, images, a PDF,
 * thinking, tool use and results) into the canonical body and on to each upstream protocol; answers
 * and stream events back out in Anthropic's shapes; bad input refused with a 400 naming it.
 */
class MessagesTranslationTest {

    static final String CONVERSATION = """
            {"model":"anthropic/claude","max_tokens":2000,"temperature":0.3,"top_p":0.9,"top_k":40,
             "stop_sequences":["END"],"metadata":{"user_id":"u-1"},"provider":{"sort":"price"},
             "thinking":{"type":"enabled","budget_tokens":1024},
             "system":[{"type":"text","text":"be brief","cache_control":{"type":"ephemeral"}}],
             "messages":[
               {"role":"user","content":[{"type":"text","text":"weather in Paris?"},
                 {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}},
                 {"type":"image","source":{"type":"url","url":"https://img/x.png"}},
                 {"type":"document","title":"r.pdf","source":{"type":"base64","media_type":"application/pdf","data":"JVBE"}}]},
               {"role":"assistant","content":[
                 {"type":"thinking","thinking":"need a tool","signature":"sig-1"},
                 {"type":"redacted_thinking","data":"enc-1"},
                 {"type":"text","text":"Checking."},
                 {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"},
                  "cache_control":{"type":"ephemeral"}}]},
               {"role":"user","content":[
                 {"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"{\\"temp\\":21}"}]},
                 {"type":"text","text":"and tomorrow?","cache_control":{"type":"ephemeral"}}]}],
             "tools":[{"name":"get_weather","description":"d","input_schema":{"type":"object",
               "properties":{"city":{"type":"string"}}},"cache_control":{"type":"ephemeral"}}],
             "tool_choice":{"type":"any","disable_parallel_tool_use":true}}
            """;

    private final MessagesFormat format = new MessagesFormat(new ChatRequestParser());

    private CanonicalRequest parse(String json) {
        return format.parse(Buffer.buffer(json), MultiMap.caseInsensitiveMultiMap());
    }

    @Test
    void conversationBecomesTheCanonicalChatBody() {
        CanonicalRequest request = parse(CONVERSATION);
        ObjectNode b = request.body();
        assertEquals(2000, request.maxTokens());
        assertTrue(request.usesTools());
        assertEquals("price", request.provider().sort());
        JsonNode m = b.get("messages");
        assertEquals(List.of("system", "user", "assistant", "tool", "user"),
                List.of(role(m, 0), role(m, 1), role(m, 2), role(m, 3), role(m, 4)));
        assertEquals("ephemeral", m.get(0).path("content").get(0).path("cache_control").path("type").asText());
        JsonNode user = m.get(1).path("content");
        assertEquals("data:image/png;base64,AAAA", user.get(1).path("image_url").path("url").asText());
        assertEquals("https://img/x.png", user.get(2).path("image_url").path("url").asText());
        assertEquals("file", user.get(3).path("type").asText());
        assertEquals("r.pdf", user.get(3).path("file").path("filename").asText());
        assertEquals("data:application/pdf;base64,JVBE", user.get(3).path("file").path("file_data").asText());
        JsonNode assistant = m.get(2);
        assertEquals("Checking.", assistant.path("content").asText());
        assertEquals("{\"city\":\"Paris\"}", assistant.path("tool_calls").get(0).path("function").path("arguments").asText());
        assertEquals("toolu_1", assistant.path("tool_calls").get(0).path("id").asText());
        JsonNode details = assistant.path("reasoning_details");
        assertEquals("reasoning.text", details.get(0).path("type").asText());
        assertEquals("need a tool", details.get(0).path("text").asText());
        assertEquals("sig-1", details.get(0).path("signature").asText());
        assertEquals("reasoning.encrypted", details.get(1).path("type").asText());
        assertEquals("enc-1", details.get(1).path("data").asText());
        assertEquals("toolu_1", m.get(3).path("tool_call_id").asText());
        assertEquals("{\"temp\":21}", m.get(3).path("content").asText());
        assertEquals("ephemeral", m.get(4).path("content").get(0).path("cache_control").path("type").asText());
        assertEquals("get_weather", b.path("tools").get(0).path("function").path("name").asText());
        assertEquals("object", b.path("tools").get(0).path("function").path("parameters").path("type").asText());
        assertEquals("required", b.path("tool_choice").asText());
        assertFalse(b.path("parallel_tool_calls").asBoolean(true));
        assertEquals(1024, b.path("reasoning").path("max_tokens").asInt());
        assertEquals("END", b.path("stop").get(0).asText());
        assertEquals(40, b.path("top_k").asInt());
        assertEquals("u-1", b.path("user").asText());
    }

    private static String role(JsonNode messages, int i) {
        return messages.get(i).path("role").asText();
    }

    @Test
    void whatReachesAnAnthropicAndAnOpenAiUpstream() {
        ObjectNode canonical = parse(CONVERSATION).body();
        JsonNode anthropic = Json.parse(new AnthropicAdapter().request(canonical,
                AdapterTranslationTest.candidate("anthropic"), false, "k").body());
        assertEquals("be brief", anthropic.path("system").get(0).path("text").asText());
        assertEquals("ephemeral", anthropic.path("system").get(0).path("cache_control").path("type").asText());
        assertEquals(2000, anthropic.path("max_tokens").asInt());
        assertEquals(1024, anthropic.path("thinking").path("budget_tokens").asInt());
        assertEquals("END", anthropic.path("stop_sequences").get(0).asText());
        assertEquals(40, anthropic.path("top_k").asInt());
        assertEquals("any", anthropic.path("tool_choice").path("type").asText());
        JsonNode turns = anthropic.path("messages");
        assertEquals("image", turns.get(0).path("content").get(1).path("type").asText());
        JsonNode said = turns.get(1).path("content"); // thinking blocks go back whole, signed, before the call
        assertEquals(List.of("thinking", "redacted_thinking", "text", "tool_use"),
                List.of(said.get(0).path("type").asText(), said.get(1).path("type").asText(),
                        said.get(2).path("type").asText(), said.get(3).path("type").asText()));
        assertEquals("sig-1", said.get(0).path("signature").asText());
        assertEquals("enc-1", said.get(1).path("data").asText());
        assertEquals("Paris", said.get(3).path("input").path("city").asText());
        // cache_control on a tool and on a tool_use block reaches Anthropic where it was
        assertEquals("ephemeral", said.get(3).path("cache_control").path("type").asText(), said.toString());
        assertEquals("ephemeral", anthropic.path("tools").get(0).path("cache_control").path("type").asText());
        assertEquals("tool_result", turns.get(2).path("content").get(0).path("type").asText());
        assertEquals("toolu_1", turns.get(2).path("content").get(0).path("tool_use_id").asText());
        assertEquals("and tomorrow?", turns.get(2).path("content").get(1).path("text").asText());

        JsonNode openai = Json.parse(new OpenAiAdapter().request(canonical, AdapterTranslationTest.candidate("openai"),
                true, "s").body());
        assertEquals("native-model", openai.path("model").asText());
        assertFalse(openai.has("provider") || openai.has("reasoning"));
        assertEquals("tool", openai.path("messages").get(3).path("role").asText());
        assertEquals("get_weather", openai.path("messages").get(2).path("tool_calls").get(0).path("function")
                .path("name").asText());
        assertEquals("required", openai.path("tool_choice").asText());
        assertEquals(2000, openai.path("max_tokens").asInt());
        assertTrue(openai.path("stream").asBoolean());
    }

    @Test
    void toolResultVariantsAndStringContent() {
        ObjectNode b = parse("""
                {"model":"m","max_tokens":5,"system":"sys","messages":[{"role":"user","content":"hi"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}},
                   {"type":"tool_use","id":"t2","name":"g","input":{"a":1}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"bad","is_error":true},
                   {"type":"tool_result","tool_use_id":"t2"}]}],
                 "tool_choice":{"type":"tool","name":"f"},"tools":[{"name":"f","input_schema":{"type":"object"}}]}
                """).body();
        JsonNode m = b.get("messages");
        assertEquals("sys", m.get(0).path("content").asText());
        assertEquals("hi", m.get(1).path("content").asText());
        assertTrue(m.get(2).path("content").isNull());
        assertEquals(2, m.get(2).path("tool_calls").size());
        assertEquals("Error: bad", m.get(3).path("content").asText());
        assertEquals("t2", m.get(4).path("tool_call_id").asText());
        assertEquals(5, m.size());
        assertEquals("f", b.path("tool_choice").path("function").path("name").asText());
    }

    /** Claude Code's newer fields: the tier it asks for is the one served; metadata.user_id is the recorded user. */
    @Test
    void serviceTierUserAndContextManagementWithoutEdits() {
        String base = "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],";
        ObjectNode auto = parse(base + "\"service_tier\":\"auto\",\"metadata\":{\"user_id\":\"user_abc_session_1\"},"
                + "\"context_management\":{\"edits\":[]}}").body();
        assertEquals("auto", auto.path("service_tier").asText());
        assertEquals("user_abc_session_1", auto.path("user").asText());
        assertEquals("default", parse(base + "\"service_tier\":\"standard_only\"}").body().path("service_tier").asText());
    }

    /** Another provider's reasoning entry rides sealed in a block and comes back whole. */
    @Test
    void foreignReasoningIsSealedInTheBlocksAndComesBackWhole() {
        JsonNode out = Json.parse(format.answer(answer("""
                {"role":"assistant","content":null,"reasoning":"plan",
                 "reasoning_details":[{"type":"reasoning.text","text":"plan","format":"google-gemini-v1","index":0},
                   {"type":"reasoning.encrypted","data":"sig-g","id":"call_9","format":"google-gemini-v1","index":1}],
                 "tool_calls":[{"id":"call_9","type":"function","function":{"name":"f","arguments":"{}"}}]}
                """, "tool_calls", "STOP")));
        JsonNode content = out.path("content");
        assertEquals("plan", content.get(0).path("thinking").asText());
        assertTrue(content.get(0).path("signature").asText().startsWith("orgw1."), content.toString());
        assertTrue(content.get(1).path("data").asText().startsWith("orgw1."), content.toString());
        ObjectNode back = parse("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"a\"},"
                + "{\"role\":\"assistant\",\"content\":" + content + "}]}").body();
        JsonNode details = back.path("messages").get(1).path("reasoning_details");
        assertEquals("plan", details.get(0).path("text").asText(), details.toString());
        assertEquals("google-gemini-v1", details.get(0).path("format").asText());
        assertEquals("sig-g", details.get(1).path("data").asText());
        assertEquals("call_9", details.get(1).path("id").asText());
    }

    @Test
    void badInputIsA400NamingWhatIsWrong() {
        String ok = "\"model\":\"m\",\"max_tokens\":5";
        String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        List<String[]> cases = List.of(
                new String[] { "{" + ok + "," + msgs + ",\"frequency_penalty\":1}", "frequency_penalty" },
                new String[] { "{\"model\":\"m\"," + msgs + "}", "max_tokens" },
                new String[] { "{" + ok + ",\"messages\":[]}", "must not be empty" },
                new String[] { "{" + ok + ",\"messages\":\"hi\"}", "'messages'" },
                new String[] { "{" + ok + ",\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}", "role" },
                new String[] { "{" + ok + ",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"audio\"}]}]}",
                        "audio" },
                new String[] { "{" + ok + ",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":1}]}]}",
                        "messages[0].content[0].text" },
                new String[] { "{" + ok + ",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\",\"x\":1}]}]}",
                        "messages[0].content[0].x" },
                new String[] { "{" + ok + ",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_use\",\"id\":\"a\",\"name\":\"b\",\"input\":{}}]}]}",
                        "tool_use" },
                new String[] { "{" + ok + "," + msgs + ",\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]}",
                        "web_search_20250305" },
                new String[] { "{" + ok + "," + msgs + ",\"tool_choice\":{\"type\":\"maybe\"}}", "maybe" },
                new String[] { "{" + ok + "," + msgs + ",\"thinking\":{\"type\":\"enabled\"}}", "budget_tokens" },
                new String[] { "{" + ok + "," + msgs + ",\"metadata\":{\"tenant\":\"x\"}}", "metadata.tenant" },
                new String[] { "{\"model\":\"m\",\"max_tokens\":\"5\"," + msgs + "}", "max_tokens" },
                new String[] { "{" + ok + "," + msgs + ",\"temperature\":\"hot\"}", "temperature" },
                new String[] { "{" + ok + "," + msgs + ",\"stream\":\"yes\"}", "stream" },
                new String[] { "{" + ok + "," + msgs + ",\"service_tier\":\"priority\"}", "service_tier" },
                new String[] { "{" + ok + "," + msgs + ",\"context_management\":{\"edits\":[{\"type\":"
                        + "\"clear_tool_uses_20250919\"}]}}", "context_management" },
                new String[] { "{" + ok + ",\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\","
                        + "\"content\":[{\"type\":\"redacted_thinking\",\"data\":\"orgw1.!!\"}]}]}", "messages[1].content[0].data" },
                new String[] { "[1]", "JSON object" },
                new String[] { "{\"model\":", "Malformed JSON" });
        for (String[] c : cases) {
            GatewayException e = assertThrows(GatewayException.class, () -> parse(c[0]), c[0]);
            assertEquals(400, e.status(), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
    }

    static Answer answer(String message, String finish, String nativeFinish) {
        ArrayNode choices = Json.NODES.arrayNode();
        ObjectNode choice = choices.addObject().put("index", 0).put("finish_reason", finish)
                .put("native_finish_reason", nativeFinish);
        choice.set("message", Json.parse(message));
        CanonicalRequest request = new MessagesFormat(new ChatRequestParser()).parse(Buffer.buffer(
                "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                MultiMap.caseInsensitiveMultiMap());
        TokenUsage usage = TokenUsage.of(30, 7, 2, 10);
        return new Answer(new StreamHead("gen-1-abc", 1, request), "P", "test/m",
                new Completion(choices, usage, "up", null, finish, nativeFinish), usage, new BigDecimal("0.000037"));
    }

    @Test
    void answerInTheMessagesShape() {
        JsonNode out = Json.parse(format.answer(answer("""
                {"role":"assistant","content":"Let me check","reasoning":"thinking…",
                 "reasoning_details":[{"type":"reasoning.text","text":"thinking…","signature":"s1"},
                   {"type":"reasoning.encrypted","data":"e1"}],
                 "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]}
                """, "tool_calls", "tool_calls")));
        assertEquals("gen-1-abc", out.path("id").asText());
        assertEquals("message", out.path("type").asText());
        assertEquals("assistant", out.path("role").asText());
        assertEquals("test/m", out.path("model").asText());
        JsonNode content = out.path("content");
        assertEquals("thinking", content.get(0).path("type").asText());
        assertEquals("s1", content.get(0).path("signature").asText());
        assertEquals("redacted_thinking", content.get(1).path("type").asText());
        assertEquals("text", content.get(2).path("type").asText());
        assertEquals("tool_use", content.get(3).path("type").asText());
        assertEquals("Paris", content.get(3).path("input").path("city").asText());
        assertEquals("tool_use", out.path("stop_reason").asText());
        assertTrue(out.path("stop_sequence").isNull());
        assertEquals(20, out.path("usage").path("input_tokens").asInt());
        assertEquals(10, out.path("usage").path("cache_read_input_tokens").asInt());
        assertEquals(0, out.path("usage").path("cache_creation_input_tokens").asInt());
        assertEquals(7, out.path("usage").path("output_tokens").asInt());
        assertEquals(0.000037, out.path("usage").path("cost").asDouble(), 1e-12);

        JsonNode plain = Json.parse(format.answer(answer("{\"role\":\"assistant\",\"content\":\"Hi\",\"reasoning\":\"hmm\"}",
                "length", "length")));
        assertEquals("thinking", plain.path("content").get(0).path("type").asText());
        assertEquals("hmm", plain.path("content").get(0).path("thinking").asText());
        assertEquals("max_tokens", plain.path("stop_reason").asText());
        assertEquals("stop_sequence", Json.parse(format.answer(answer("{\"content\":\"x\"}", "stop", "stop_sequence")))
                .path("stop_reason").asText());
        assertEquals("end_turn", Json.parse(format.answer(answer("{\"content\":\"x\"}", "stop", "stop")))
                .path("stop_reason").asText());
    }

    /** The event names of an SSE text, in order. */
    static List<String> events(String sse) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^event: (\\S+)$").matcher(sse);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void streamEventsInAnthropicOrder() {
        Answer a = answer("{}", null, null);
        StreamWriter w = format.streamWriter(a.head());
        assertEquals("event: ping\ndata: {\"type\":\"ping\"}\n\n", w.keepalive().toString());
        Buffer out = Buffer.buffer();
        w.begin("P", "test/m");
        w.delta(out, 0, (ObjectNode) Json.parse("{\"role\":\"assistant\",\"content\":\"\"}"), null, null);
        w.delta(out, 0, (ObjectNode) Json.parse("{\"reasoning\":\"think\"}"), null, null);
        w.delta(out, 0, (ObjectNode) Json.parse(
                "{\"reasoning_details\":[{\"type\":\"reasoning.text\",\"signature\":\"sig\"}]}"), null, null);
        w.delta(out, 0, (ObjectNode) Json.parse("{\"content\":\"Hel\"}"), null, null);
        w.delta(out, 0, (ObjectNode) Json.parse("{\"content\":\"lo\"}"), null, null);
        w.delta(out, 0, (ObjectNode) Json.parse("{\"tool_calls\":[{\"index\":0,\"id\":\"c1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}"), null, null);
        w.delta(out, 0, (ObjectNode) Json.parse("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"a\\\":\"}}]}"),
                null, null);
        w.delta(out, 0, (ObjectNode) Json.parse("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"1}\"}}]}"),
                null, null);
        w.delta(out, 0, Json.object(), "tool_calls", "tool_calls");
        w.done(out, TokenUsage.of(12, 5, 0, 0), new BigDecimal("0.00002"));
        String sse = out.toString();
        assertEquals(List.of("message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta",
                "content_block_stop", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop"), events(sse), sse);
        assertTrue(sse.contains("\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"think\"}"), sse);
        assertTrue(sse.contains("\"delta\":{\"type\":\"signature_delta\",\"signature\":\"sig\"}"), sse);
        assertTrue(sse.contains("\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}"), sse);
        assertTrue(sse.contains("\"content_block\":{\"type\":\"tool_use\",\"id\":\"c1\",\"name\":\"f\",\"input\":{}}"), sse);
        assertTrue(sse.contains("\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"1}\"}"), sse);
        assertTrue(sse.contains("\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":12,"
                + "\"output_tokens\":5"), sse);

        Buffer failed = Buffer.buffer();
        StreamWriter broken = format.streamWriter(a.head());
        broken.begin("P", "test/m");
        broken.delta(failed, 0, (ObjectNode) Json.parse("{\"content\":\"Hi\"}"), null, null);
        broken.failed(failed, "upstream connection lost mid-stream", TokenUsage.of(1, 1, 0, 0), BigDecimal.ZERO);
        assertEquals(List.of("message_start", "content_block_start", "ping", "content_block_delta", "error"),
                events(failed.toString()));
        assertTrue(failed.toString().contains("{\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                + "\"message\":\"upstream connection lost mid-stream\"}}"), failed.toString());

        Buffer refused = Buffer.buffer();
        format.streamWriter(a.head()).refused(refused, new GatewayException(429, "slow down"));
        assertTrue(refused.toString().startsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\""),
                refused.toString());
    }
}
