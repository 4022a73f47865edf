package io.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.internal.CatalogSnapshot;
import io.llmgateway.routing.canonical.Completion;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.StreamSink;
import io.llmgateway.routing.canonical.TokenUsage;
import io.llmgateway.routing.selection.Candidate;
import io.llmgateway.routing.upstream.SseParser;
import io.llmgateway.routing.upstream.protocol.AnthropicAdapter;
import io.llmgateway.routing.upstream.protocol.GeminiAdapter;
import io.llmgateway.routing.upstream.protocol.OpenAiAdapter;
import io.llmgateway.routing.upstream.protocol.UpstreamCall;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Request, answer, stream, tool-call and error translation of each adapter, without a network. */
class AdapterTranslationTest {

    static final String TOOL_CONVERSATION = """
            {"model":"x","max_tokens":100,"temperature":0.2,"stop":"END","provider":{"sort":"price"},
             "reasoning":{"effort":"high"},
             "messages":[{"role":"system","content":"be brief"},
               {"role":"user","content":[{"type":"text","text":"weather in Paris?"},
                 {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                 "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":"{\\"temp\\":21}"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"d",
               "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":"required"}
            """;

    static Candidate candidate(String adapter) {
        CatalogSnapshot.Provider p = new CatalogSnapshot.Provider("p", "P", adapter, "http://up/v1/", null, false, false, "active");
        CatalogSnapshot.Endpoint e = new CatalogSnapshot.Endpoint("ep", "p", "native-model", 1000, null, null, null, null, true,
                null, null, null);
        return new Candidate(new CatalogSnapshot.Model("m", "m", 1000, null, null, null, List.of(e)), e, p);
    }

    static JsonNode body(UpstreamCall call) {
        return Json.parse(call.body());
    }

    static ObjectNode input() {
        return (ObjectNode) Json.parse(TOOL_CONVERSATION);
    }

    @Test
    void openAiPassesThroughWithoutGatewayFields() {
        UpstreamCall call = new OpenAiAdapter().request(input(), candidate("openai"), true, "secret");
        JsonNode b = body(call);
        assertEquals("http://up/v1/chat/completions", call.url());
        assertEquals("Bearer secret", call.headers().get("authorization"));
        assertEquals("native-model", b.path("model").asText());
        assertFalse(b.has("provider") || b.has("reasoning"));
        assertEquals("high", b.path("reasoning_effort").asText());
        assertTrue(b.path("stream_options").path("include_usage").asBoolean());
    }

    @Test
    void anthropicRequestAndAnswer() {
        UpstreamCall call = new AnthropicAdapter().request(input(), candidate("anthropic"), false, "k");
        JsonNode b = body(call);
        assertEquals("http://up/v1/messages", call.url());
        assertEquals("k", call.headers().get("x-api-key"));
        assertEquals("be brief", b.path("system").get(0).path("text").asText());
        // effort high: 0.8 of 100 is below Anthropic's minimum budget, so the budget is 1024 and the
        // answer keeps the 100 tokens the client gave it
        assertEquals(1024, b.path("thinking").path("budget_tokens").asInt());
        assertEquals(1124, b.path("max_tokens").asInt());
        assertEquals("END", b.path("stop_sequences").get(0).asText());
        assertEquals("image", b.path("messages").get(0).path("content").get(1).path("type").asText());
        assertEquals("tool_use", b.path("messages").get(1).path("content").get(0).path("type").asText());
        assertEquals("Paris", b.path("messages").get(1).path("content").get(0).path("input").path("city").asText());
        assertEquals("tool_result", b.path("messages").get(2).path("content").get(0).path("type").asText());
        assertEquals("any", b.path("tool_choice").path("type").asText());
        assertEquals("object", b.path("tools").get(0).path("input_schema").path("type").asText());

        Completion c = new AnthropicAdapter().response(Json.parse("""
                {"id":"msg_1","content":[{"type":"text","text":"Let me check"},
                  {"type":"tool_use","id":"tu_1","name":"get_weather","input":{"city":"Paris"}}],
                 "stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":5,"cache_read_input_tokens":4}}
                """));
        assertEquals("tool_calls", c.finishReason());
        assertEquals("tool_use", c.nativeFinishReason());
        assertEquals("get_weather", c.choices().get(0).path("message").path("tool_calls").get(0).path("function").path("name").asText());
        assertEquals(14, c.usage().prompt);
        assertEquals(4, c.usage().cached);
        assertEquals("invalid_request_error", new AnthropicAdapter().error(400,
                Json.parse("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"bad\"}}")).code());
        assertTrue(new AnthropicAdapter().error(400, Json.parse(
                "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long: 3 tokens\"}}"))
                .contextLengthExceeded());
    }

    @Test
    void anthropicStreamWithToolUse() {
        Recorder r = new Recorder();
        SseParser parser = new SseParser(new AnthropicAdapter().decoder(r)::onEvent);
        parser.feed(Buffer.buffer("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":9,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"tu_1","name":"get_weather","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\":"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\\"Paris\\"}"}}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":12}}

                event: mess""".replace("\r", "")));
        parser.feed(Buffer.buffer("age_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
        assertTrue(r.done);
        assertEquals("tool_calls", r.finish);
        assertEquals("{\"city\":\"Paris\"}", r.arguments.toString());
        assertEquals(9, r.usage.prompt);
        assertEquals(12, r.usage.completion);
    }

    @Test
    void geminiRequestAnswerAndStream() {
        UpstreamCall stream = new GeminiAdapter().request(input(), candidate("gemini"), true, "g");
        assertEquals("http://up/v1/models/native-model:streamGenerateContent?alt=sse", stream.url());
        assertEquals("g", stream.headers().get("x-goog-api-key"));
        JsonNode b = body(stream);
        assertEquals("be brief", b.path("systemInstruction").path("parts").get(0).path("text").asText());
        assertEquals("inlineData", b.path("contents").get(0).path("parts").get(1).fieldNames().next());
        assertEquals("model", b.path("contents").get(1).path("role").asText());
        assertEquals("get_weather", b.path("contents").get(1).path("parts").get(0).path("functionCall").path("name").asText());
        assertEquals("get_weather", b.path("contents").get(2).path("parts").get(0).path("functionResponse").path("name").asText());
        assertEquals(21, b.path("contents").get(2).path("parts").get(0).path("functionResponse").path("response").path("temp").asInt());
        assertEquals(100, b.path("generationConfig").path("maxOutputTokens").asInt());
        assertEquals("ANY", b.path("toolConfig").path("functionCallingConfig").path("mode").asText());
        assertEquals("http://up/v1/models/native-model:generateContent",
                new GeminiAdapter().request(input(), candidate("gemini"), false, null).url());

        Completion c = new GeminiAdapter().response(Json.parse("""
                {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}]},
                  "finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":3,"thoughtsTokenCount":2}}
                """));
        assertEquals("tool_calls", c.finishReason());
        assertEquals("{\"city\":\"Paris\"}", c.choices().get(0).path("message").path("tool_calls").get(0)
                .path("function").path("arguments").asText());
        assertEquals(5, c.usage().completion);
        assertEquals(2, c.usage().reasoning);

        Recorder r = new Recorder();
        SseParser parser = new SseParser(new GeminiAdapter().decoder(r)::onEvent);
        parser.feed(Buffer.buffer("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]}}]}\r\n\r\n"
                + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"!\"}]},\"finishReason\":\"MAX_TOKENS\"}],"
                + "\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":2}}"));
        parser.end(); // no sentinel in Gemini streams; the last event has no trailing blank line here
        assertEquals("Hi!", r.text.toString());
        assertEquals("length", r.finish);
        assertEquals(2, r.usage.completion);
        assertTrue(new GeminiAdapter().error(400, Json.parse(
                "{\"error\":{\"code\":400,\"message\":\"The input token count exceeds the maximum number of tokens allowed\",\"status\":\"INVALID_ARGUMENT\"}}"))
                .contextLengthExceeded());
    }

    @Test
    void openAiStreamKeepsLogprobsBesideTheDeltaAndReadsCacheWrites() {
        Recorder r = new Recorder();
        SseParser parser = new SseParser(new OpenAiAdapter().decoder(r)::onEvent);
        parser.feed(Buffer.buffer("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},"
                + "\"logprobs\":{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.1}]}}]}\n\n"
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":1,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":4,\"cache_write_tokens\":6}}}\n\ndata: [DONE]\n\n"));
        assertEquals(-0.1, r.deltas.get(0).path("logprobs").path("content").get(0).path("logprob").asDouble());
        assertEquals(4, r.usage.cached);
        assertEquals(6, r.usage.cacheWrite);
        assertTrue(r.done);
    }

    static final class Recorder implements StreamSink {
        final StringBuilder text = new StringBuilder();
        final StringBuilder arguments = new StringBuilder();
        final List<ObjectNode> deltas = new ArrayList<>();
        String finish;
        TokenUsage usage;
        boolean done;

        @Override
        public void delta(int index, ObjectNode delta, String finishReason, String nativeFinishReason) {
            deltas.add(delta);
            if (delta.has("content")) {
                text.append(delta.get("content").asText());
            }
            delta.path("tool_calls").forEach(c -> arguments.append(c.path("function").path("arguments").asText()));
            if (finishReason != null) {
                finish = finishReason;
            }
        }

        @Override
        public void usage(TokenUsage u) {
            usage = u;
        }

        @Override
        public void meta(String upstreamId, String systemFingerprint) {
        }

        @Override
        public void done() {
            done = true;
        }

        @Override
        public void fail(String message) {
            throw new AssertionError(message);
        }
    }
}
