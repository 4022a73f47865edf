package io.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import io.llmgateway.routing.ingress.responses.ResponsesFormat;
import io.llmgateway.routing.upstream.SseParser;
import io.llmgateway.routing.upstream.protocol.AnthropicAdapter;
import io.llmgateway.routing.upstream.protocol.GeminiAdapter;
import io.llmgateway.routing.upstream.protocol.OpenAiAdapter;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Responses format without a network: a Responses request into the canonical body and on to
 * each upstream protocol's wire body, a canonical answer out as a response object, canonical deltas
 * out as the typed event stream, and the requests it refuses.
 */
class ResponsesTranslationTest {

    static final ResponsesFormat FORMAT = new ResponsesFormat(new ChatRequestParser());

    /** A whole agent turn replayed: reasoning, two calls of one assistant turn, their outputs. */
    static final String CONVERSATION = """
            {"model":"test/model","instructions":"be brief","max_output_tokens":200,"temperature":0.3,"top_p":0.9,
             "parallel_tool_calls":true,"user":"u-1","metadata":{"trace":"t-1"},"store":false,
             "reasoning":{"effort":"high","summary":"auto"},
             "text":{"format":{"type":"json_schema","name":"weather","strict":true,
                "schema":{"type":"object","properties":{"temp":{"type":"number"}}}}},
             "input":[
               {"role":"developer","content":"answer in French"},
               {"type":"message","role":"user","content":[{"type":"input_text","text":"weather in Paris and Oslo?"},
                 {"type":"input_image","image_url":"data:image/png;base64,AAAA","detail":"low"},
                 {"type":"input_file","filename":"a.pdf","file_data":"data:application/pdf;base64,JVBE"}]},
               {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"two cities"}],
                "encrypted_content":"opaque"},
               {"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"},
               {"type":"function_call","id":"fc_2","call_id":"call_2","name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"},
               {"type":"function_call_output","call_id":"call_1","output":"{\\"temp\\":21}"},
               {"type":"function_call_output","call_id":"call_2","output":[{"type":"input_text","text":"{\\"temp\\":4}"}]},
               {"type":"message","role":"assistant","id":"msg_9","status":"completed",
                "content":[{"type":"output_text","text":"Paris 21, Oslo 4","annotations":[]}]},
               {"role":"user","content":"thanks"}],
             "tools":[{"type":"function","name":"get_weather","description":"d","strict":true,
               "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}],
             "tool_choice":{"type":"function","name":"get_weather"},
             "provider":{"sort":"price"},"models":["test/backup"]}
            """;

    static CanonicalRequest parse(String json) {
        return FORMAT.parse(Buffer.buffer(json), MultiMap.caseInsensitiveMultiMap());
    }

    static GatewayException refused(String json) {
        return assertThrows(GatewayException.class, () -> parse(json), json);
    }

    @Test
    void conversationBecomesTheCanonicalChatBody() {
        CanonicalRequest request = parse(CONVERSATION);
        JsonNode body = request.body();
        assertEquals(List.of("test/model", "test/backup"), request.models());
        assertEquals(200, request.maxTokens());
        assertTrue(request.usesTools() && request.usesResponseFormat());
        JsonNode messages = body.get("messages");
        assertEquals(8, messages.size(), messages.toString());
        assertEquals("system", messages.get(0).path("role").asText());
        assertEquals("be brief", messages.get(0).path("content").asText());
        assertEquals("system", messages.get(1).path("role").asText()); // developer
        JsonNode user = messages.get(2).path("content");
        assertEquals("text", user.get(0).path("type").asText());
        assertEquals("low", user.get(1).path("image_url").path("detail").asText());
        assertEquals("a.pdf", user.get(2).path("file").path("filename").asText());
        assertEquals("data:application/pdf;base64,JVBE", user.get(2).path("file").path("file_data").asText());
        JsonNode assistant = messages.get(3);
        assertEquals("assistant", assistant.path("role").asText());
        assertEquals(2, assistant.path("tool_calls").size(), "consecutive calls are one assistant turn");
        assertEquals("call_2", assistant.path("tool_calls").get(1).path("id").asText());
        assertEquals("reasoning.summary", assistant.path("reasoning_details").get(0).path("type").asText());
        assertEquals("two cities", assistant.path("reasoning_details").get(0).path("summary").asText());
        assertEquals("opaque", assistant.path("reasoning_details").get(1).path("data").asText());
        assertEquals("tool", messages.get(4).path("role").asText());
        assertEquals("call_1", messages.get(4).path("tool_call_id").asText());
        assertEquals("{\"temp\":4}", messages.get(5).path("content").asText());
        // the assistant's text after the tool results is a turn of its own, as a plain string
        assertEquals("Paris 21, Oslo 4", messages.get(6).path("content").asText());
        assertEquals("get_weather", body.path("tools").get(0).path("function").path("name").asText());
        assertTrue(body.path("tools").get(0).path("function").path("strict").asBoolean());
        assertEquals("get_weather", body.path("tool_choice").path("function").path("name").asText());
        assertEquals("json_schema", body.path("response_format").path("type").asText());
        assertEquals("weather", body.path("response_format").path("json_schema").path("name").asText());
        assertEquals("high", body.path("reasoning").path("effort").asText());
        assertFalse(body.path("reasoning").has("summary"));
        assertEquals(200, body.path("max_tokens").asInt());
        assertEquals("u-1", body.path("user").asText());
        assertFalse(body.has("metadata") || body.has("input") || body.has("instructions") || body.has("store"),
                "Responses fields never reach a provider");
    }

    @Test
    void theCanonicalBodyReachesEachUpstreamProtocol() {
        JsonNode openai = Json.parse(new OpenAiAdapter().request(parse(CONVERSATION).body(),
                AdapterTranslationTest.candidate("openai"), false, null).body());
        assertEquals("json_schema", openai.path("response_format").path("type").asText());
        assertEquals("object", openai.path("response_format").path("json_schema").path("schema").path("type").asText());
        assertEquals(200, openai.path("max_tokens").asInt());
        assertEquals("high", openai.path("reasoning_effort").asText());
        assertFalse(openai.has("metadata") || openai.has("echo"), openai.toString());

        JsonNode claude = Json.parse(new AnthropicAdapter().request(parse(CONVERSATION).body(),
                AdapterTranslationTest.candidate("anthropic"), true, null).body());
        // system prompts stay blocks on Anthropic (so cache_control on them survives)
        StringBuilder system = new StringBuilder();
        claude.path("system").forEach(block -> system.append(system.length() > 0 ? "\n" : "").append(block.path("text").asText()));
        assertEquals("be brief\nanswer in French", system.toString());
        JsonNode turns = claude.path("messages");
        assertEquals("image", turns.get(0).path("content").get(1).path("type").asText());
        assertEquals("tool_use", turns.get(1).path("content").get(1).path("type").asText());
        assertEquals("Oslo", turns.get(1).path("content").get(1).path("input").path("city").asText());
        assertEquals("tool_result", turns.get(2).path("content").get(0).path("type").asText());
        assertEquals("call_2", turns.get(2).path("content").get(1).path("tool_use_id").asText());
        assertEquals("tool", claude.path("tool_choice").path("type").asText());
        // effort high asks Anthropic for a thinking budget (at least 1024), added to the answer's 200 tokens
        int budget = claude.path("thinking").path("budget_tokens").asInt();
        assertTrue(budget >= 1024, claude.toString());
        assertEquals(200 + budget, claude.path("max_tokens").asInt());

        JsonNode gemini = Json.parse(new GeminiAdapter().request(parse(CONVERSATION).body(),
                AdapterTranslationTest.candidate("gemini"), false, null).body());
        assertEquals("application/json", gemini.path("generationConfig").path("responseMimeType").asText());
        assertEquals("number", gemini.path("generationConfig").path("responseJsonSchema").path("properties").path("temp")
                .path("type").asText());
        assertEquals(200, gemini.path("generationConfig").path("maxOutputTokens").asInt());
        assertEquals("get_weather", gemini.path("contents").get(1).path("parts").get(1).path("functionCall").path("name")
                .asText());
        assertEquals(21, gemini.path("contents").get(2).path("parts").get(0).path("functionResponse").path("response")
                .path("temp").asInt());
    }

    @Test
    void simpleFormsAndTextFormats() {
        JsonNode plain = parse("{\"model\":\"m\",\"input\":\"hi\"}").body();
        assertEquals(1, plain.path("messages").size());
        assertEquals("user", plain.path("messages").get(0).path("role").asText());
        assertEquals("hi", plain.path("messages").get(0).path("content").asText());
        assertEquals("json_object", parse("{\"model\":\"m\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_object\"}}}")
                .body().path("response_format").path("type").asText());
        assertFalse(parse("{\"model\":\"m\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"text\"}}}").usesResponseFormat());
        JsonNode auto = parse("{\"model\":\"m\",\"input\":\"hi\",\"tool_choice\":\"required\",\"stream\":true,"
                + "\"tools\":[{\"type\":\"function\",\"name\":\"f\"}],\"include\":[\"reasoning.encrypted_content\"],"
                + "\"truncation\":\"auto\",\"reasoning\":{\"effort\":null,\"summary\":\"detailed\"}}").body();
        assertEquals("required", auto.path("tool_choice").asText());
        assertTrue(auto.path("stream").asBoolean());
        assertFalse(auto.has("reasoning") || auto.has("include") || auto.has("truncation"), auto.toString());
        // a reasoning item that carries nothing (no summary, no encrypted content) has nothing to keep
        JsonNode empty = parse("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":\"a\"},"
                + "{\"type\":\"reasoning\",\"id\":\"rs\",\"summary\":[]},{\"role\":\"assistant\",\"content\":\"b\"},"
                + "{\"role\":\"user\",\"content\":\"c\"}]}").body();
        assertFalse(empty.path("messages").get(1).has("reasoning_details"));
    }

    /** Each Responses option is acted on in the canonical body (what reaches providers is in TranslationFidelityTest). */
    @Test
    void optionsAreActedOn() {
        JsonNode body = parse("{\"model\":\"m\",\"input\":\"hi\",\"truncation\":\"auto\",\"service_tier\":\"default\","
                + "\"prompt_cache_key\":\"k-1\",\"safety_identifier\":\"s-1\",\"include\":[\"reasoning.encrypted_content\"],"
                + "\"stream_options\":{\"include_obfuscation\":false}}").body();
        assertEquals("middle-out", body.path("transforms").path(0).asText(), body.toString());
        assertEquals("default", body.path("service_tier").asText());
        assertEquals("k-1", body.path("prompt_cache_key").asText());
        assertEquals("s-1", body.path("safety_identifier").asText());
        assertEquals("s-1", body.path("user").asText(), "the safety identifier is the end user when none is named");
        assertEquals("u-1", parse("{\"model\":\"m\",\"input\":\"hi\",\"user\":\"u-1\",\"safety_identifier\":\"s-1\"}")
                .body().path("user").asText());
        assertFalse(parse("{\"model\":\"m\",\"input\":\"hi\",\"truncation\":\"disabled\"}").body().has("transforms"));
    }

    @Test
    void whatCannotBeHonouredIsRefusedByName() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"previous_response_id\":\"resp_1\"}", "previous_response_id");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"store\":true}", "stateless");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"conversation\":\"c_1\"}", "conversation");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"background\":true}", "background");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search_preview\"}]}", "web_search_preview");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"},{\"type\":\"mcp\","
                + "\"server_label\":\"x\"}]}", "mcp");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"tools\":[{\"type\":\"code_interpreter\"}]}", "code_interpreter");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"bogus\":1}", "bogus");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"plugins\":[]}", "plugins");
        cases.put("{\"model\":\"m\",\"input\":[{\"type\":\"item_reference\",\"id\":\"x\"}]}", "item_reference");
        cases.put("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\"}]}]}", "input_audio");
        cases.put("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"file_id\":\"f\"}]}]}",
                "file_id");
        cases.put("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\",\"file_id\":\"f\"}]}]}",
                "file_id");
        cases.put("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":\"a\"},{\"type\":\"reasoning\","
                + "\"summary\":[{\"type\":\"summary_text\",\"text\":\"s\"}]}]}", "reasoning");
        cases.put("{\"model\":\"m\",\"input\":[{\"type\":\"reasoning\",\"encrypted_content\":\"e\"},"
                + "{\"role\":\"user\",\"content\":\"a\"}]}", "reasoning");
        cases.put("{\"model\":\"m\",\"input\":[]}", "input");
        cases.put("{\"model\":\"m\",\"input\":\"\"}", "input");
        cases.put("{\"model\":\"m\"}", "input");
        cases.put("{\"model\":\"m\",\"input\":5}", "input");
        cases.put("{\"model\":\"m\",\"input\":[\"hi\"]}", "input[0]");
        cases.put("{\"model\":\"m\",\"input\":[{\"role\":\"tool\",\"content\":\"x\"}]}", "role");
        cases.put("{\"model\":\"m\",\"input\":[{\"type\":\"function_call\",\"name\":\"f\",\"arguments\":\"{}\"}]}", "call_id");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"max_output_tokens\":\"10\"}", "max_output_tokens");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"max_output_tokens\":0}", "max_output_tokens");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"temperature\":\"hot\"}", "temperature");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"n\"}}}", "schema");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"xml\"}}}", "xml");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"tool_choice\":{\"type\":\"web_search_preview\"}}", "web_search_preview");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"metadata\":[1]}", "metadata");
        cases.put("{\"input\":\"hi\"}", "model");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"service_tier\":\"priority\"}", "service_tier");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"include\":[\"message.output_text.logprobs\"]}", "include[0]");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"max_tool_calls\":3}", "max_tool_calls");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"stream_options\":{\"include_obfuscation\":true}}",
                "include_obfuscation");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"truncation\":\"middle\"}", "truncation");
        cases.put("{\"model\":\"m\",\"input\":\"hi\",\"prompt_cache_key\":5}", "prompt_cache_key");
        cases.put("{\"model\":\"m\",\"input\":[{\"role\":\"assistant\",\"content\":[{\"type\":\"input_image\","
                + "\"image_url\":\"http://x/i.png\"}]}]}", "input_image");
        cases.forEach((json, named) -> {
            GatewayException e = refused(json);
            assertEquals(400, e.status(), json);
            assertTrue(e.getMessage().contains(named), json + " -> " + e.getMessage());
        });
    }

    static Answer answer(String message, String finish, TokenUsage usage) {
        ArrayNode choices = Json.NODES.arrayNode();
        ObjectNode choice = choices.addObject().put("index", 0);
        choice.set("message", Json.parse(message));
        choice.put("finish_reason", finish);
        CanonicalRequest request = parse(CONVERSATION);
        return new Answer(new StreamHead("gen-1700000000-ABCDEFGHIJKLMNOPQRST", 1700000000, request), "ALPHA",
                "test/model", new Completion(choices, usage, "up-1", null, finish, finish), usage,
                new BigDecimal("0.000123"));
    }

    @Test
    void answerIsAResponseObject() {
        TokenUsage usage = TokenUsage.of(30, 12, 5, 8);
        JsonNode r = Json.parse(FORMAT.answer(answer("""
                {"role":"assistant","content":"Let me check","reasoning":"need the weather",
                 "reasoning_details":[{"type":"reasoning.encrypted","data":"sealed"}],
                 "tool_calls":[{"id":"call_7","type":"function","function":{"name":"get_weather","arguments":"{}"}}]}
                """, "tool_calls", usage)));
        assertEquals("gen-1700000000-ABCDEFGHIJKLMNOPQRST", r.path("id").asText());
        assertEquals("response", r.path("object").asText());
        assertEquals("completed", r.path("status").asText());
        assertEquals(1700000000, r.path("created_at").asLong());
        assertEquals("test/model", r.path("model").asText());
        assertEquals("ALPHA", r.path("provider").asText());
        JsonNode output = r.path("output");
        assertEquals("reasoning", output.get(0).path("type").asText());
        assertEquals("need the weather", output.get(0).path("summary").get(0).path("text").asText());
        // the reasoning entries ride sealed in encrypted_content, whole, for the next turn
        assertEquals("sealed", io.llmgateway.routing.canonical.SealedReasoning
                .unseal(output.get(0).path("encrypted_content").asText(), "encrypted_content").get(0).path("data").asText());
        assertEquals("message", output.get(1).path("type").asText());
        assertEquals("assistant", output.get(1).path("role").asText());
        assertEquals("output_text", output.get(1).path("content").get(0).path("type").asText());
        assertEquals("Let me check", output.get(1).path("content").get(0).path("text").asText());
        assertTrue(output.get(1).path("content").get(0).path("annotations").isArray());
        assertEquals("function_call", output.get(2).path("type").asText());
        assertEquals("call_7", output.get(2).path("call_id").asText());
        assertEquals("get_weather", output.get(2).path("name").asText());
        assertEquals("completed", output.get(2).path("status").asText());
        assertEquals("Let me check", r.path("output_text").asText());
        JsonNode u = r.path("usage");
        assertEquals(30, u.path("input_tokens").asInt());
        assertEquals(8, u.path("input_tokens_details").path("cached_tokens").asInt());
        assertEquals(12, u.path("output_tokens").asInt());
        assertEquals(5, u.path("output_tokens_details").path("reasoning_tokens").asInt());
        assertEquals(42, u.path("total_tokens").asInt());
        assertEquals(new BigDecimal("0.000123"), u.path("cost").decimalValue());
        // the request's settings, echoed
        assertEquals("be brief", r.path("instructions").asText());
        assertEquals(200, r.path("max_output_tokens").asInt());
        assertEquals("t-1", r.path("metadata").path("trace").asText());
        assertEquals("json_schema", r.path("text").path("format").path("type").asText());
        assertEquals("get_weather", r.path("tools").get(0).path("name").asText());
        assertEquals("function", r.path("tool_choice").path("type").asText());
        assertEquals("high", r.path("reasoning").path("effort").asText());
        assertEquals(0.3, r.path("temperature").asDouble());
        assertFalse(r.path("store").asBoolean());
        assertTrue(r.path("error").isNull() && r.path("incomplete_details").isNull() && r.path("previous_response_id").isNull());

        JsonNode cut = Json.parse(FORMAT.answer(answer("{\"role\":\"assistant\",\"content\":\"Half\"}", "length", usage)));
        assertEquals("incomplete", cut.path("status").asText());
        assertEquals("max_output_tokens", cut.path("incomplete_details").path("reason").asText());
        assertEquals(1, cut.path("output").size());
        assertEquals("incomplete", cut.path("output").get(0).path("status").asText());
    }

    /** One SSE event as the client reads it: its event line and its JSON. */
    record Event(String name, JsonNode data) {
        String type() {
            return data.path("type").asText();
        }
    }

    static List<Event> events(Buffer stream) {
        List<Event> events = new ArrayList<>();
        SseParser parser = new SseParser((name, data) -> events.add(new Event(name, Json.parse(data))));
        parser.feed(stream);
        parser.end();
        return events;
    }

    static StreamWriter writer(String json) {
        CanonicalRequest request = parse(json);
        StreamWriter writer = FORMAT.streamWriter(new StreamHead("gen-1-ABC", 1, request));
        writer.begin("ALPHA", "test/model");
        return writer;
    }

    static ObjectNode delta(String json) {
        return (ObjectNode) Json.parse(json);
    }

    @Test
    void streamIsTheTypedEventSequence() {
        StreamWriter writer = writer("{\"model\":\"test/model\",\"input\":\"hi\",\"stream\":true}");
        Buffer out = Buffer.buffer();
        writer.delta(out, 0, delta("{\"role\":\"assistant\",\"content\":\"\"}"), null, null);
        writer.delta(out, 0, delta("{\"reasoning\":\"think\"}"), null, null);
        writer.delta(out, 0, delta("{\"reasoning\":\"ing\"}"), null, null);
        writer.delta(out, 0, delta("{\"content\":\"Hel\"}"), null, null);
        writer.delta(out, 0, delta("{\"content\":\"lo\"}"), null, null);
        writer.delta(out, 0, delta("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}"), null, null);
        writer.delta(out, 0, delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"a\\\":\"}}]}"), null, null);
        writer.delta(out, 0, delta("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"1}\"}}]}"), null, null);
        writer.delta(out, 0, delta("{\"tool_calls\":[{\"index\":1,\"id\":\"call_2\",\"type\":\"function\","
                + "\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}"), null, null);
        writer.delta(out, 0, delta("{}"), "tool_calls", "tool_calls");
        writer.done(out, TokenUsage.of(10, 7, 2, 0), new BigDecimal("0.5"));
        List<Event> events = events(out);
        List<String> types = events.stream().map(Event::type).toList();
        assertEquals(List.of("response.created", "response.in_progress",
                "response.output_item.added", "response.reasoning_summary_part.added",
                "response.reasoning_summary_text.delta", "response.reasoning_summary_text.delta",
                "response.reasoning_summary_text.done", "response.reasoning_summary_part.done", "response.output_item.done",
                "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done",
                "response.completed"), types);
        for (int i = 0; i < events.size(); i++) {
            assertEquals(events.get(i).type(), events.get(i).name(), "event line names the type");
            assertEquals(i, events.get(i).data().path("sequence_number").asInt());
        }
        assertEquals("in_progress", events.get(0).data().path("response").path("status").asText());
        assertEquals(0, events.get(0).data().path("response").path("output").size());
        assertEquals("msg_ABC_1", events.get(11).data().path("item_id").asText());
        assertEquals(1, events.get(11).data().path("output_index").asInt());
        assertEquals("Hello", events.get(13).data().path("text").asText());
        assertEquals("{\"a\":1}", events.get(19).data().path("arguments").asText());
        assertEquals("call_1", events.get(20).data().path("item").path("call_id").asText());
        JsonNode response = events.get(events.size() - 1).data().path("response");
        assertEquals("completed", response.path("status").asText());
        assertEquals(List.of("reasoning", "message", "function_call", "function_call"),
                response.path("output").findValuesAsText("type").stream().filter(t -> !t.contains("_text")).toList());
        assertEquals("thinking", response.path("output").get(0).path("summary").get(0).path("text").asText());
        assertEquals("Hello", response.path("output_text").asText());
        assertEquals("{}", response.path("output").get(3).path("arguments").asText());
        assertEquals(17, response.path("usage").path("total_tokens").asInt());
        assertEquals(0.5, response.path("usage").path("cost").asDouble());
    }

    @Test
    void streamEndings() {
        StreamWriter cut = writer("{\"model\":\"test/model\",\"input\":\"hi\",\"stream\":true,\"max_output_tokens\":2}");
        Buffer out = Buffer.buffer();
        cut.delta(out, 0, delta("{\"content\":\"Hal\"}"), null, null);
        cut.delta(out, 0, delta("{}"), "length", "length");
        cut.done(out, TokenUsage.of(1, 2, 0, 0), BigDecimal.ONE);
        List<Event> events = events(out);
        Event last = events.get(events.size() - 1);
        assertEquals("response.incomplete", last.type());
        assertEquals("max_output_tokens", last.data().path("response").path("incomplete_details").path("reason").asText());

        StreamWriter failing = writer("{\"model\":\"test/model\",\"input\":\"hi\",\"stream\":true}");
        out = Buffer.buffer();
        failing.delta(out, 0, delta("{\"content\":\"Hal\"}"), null, null);
        failing.failed(out, "upstream connection lost mid-stream", TokenUsage.of(1, 1, 0, 0), new BigDecimal("0.25"));
        events = events(out);
        last = events.get(events.size() - 1);
        assertEquals("response.failed", last.type());
        assertEquals("failed", last.data().path("response").path("status").asText());
        assertEquals("upstream connection lost mid-stream", last.data().path("response").path("error").path("message").asText());
        assertEquals("Hal", last.data().path("response").path("output").get(0).path("content").get(0).path("text").asText());
        assertEquals(0.25, last.data().path("response").path("usage").path("cost").asDouble());

        StreamWriter none = writer("{\"model\":\"test/model\",\"input\":\"hi\",\"stream\":true}");
        out = Buffer.buffer();
        none.refused(out, new GatewayException(503, "No provider available for this model right now"));
        events = events(out);
        assertEquals(List.of("error", "response.failed"), events.stream().map(Event::type).toList());
        assertEquals("No provider available for this model right now", events.get(0).data().path("message").asText());
        assertNull(Json.text(events.get(0).data(), "error"), "an error event the SDKs read as an event, not a throw");
        assertEquals(1, events.get(1).data().path("sequence_number").asInt());
    }
}
