package io.llmgateway.routing.upstream.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.Completion;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.StreamSink;
import io.llmgateway.routing.canonical.TokenUsage;
import io.llmgateway.routing.selection.Candidate;
import io.llmgateway.routing.usage.Tokens;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Anthropic Messages API: the request is built by {@link AnthropicRequest}; answers and stream events
 * come back with thinking as {@code reasoning} and {@code reasoning_details} (signatures, redacted
 * thinking), cache reads and writes in the usage, and thinking tokens (which Anthropic counts inside
 * {@code output_tokens} without a separate figure) estimated with the gateway's tokenizer.
 */
@Singleton
public class AnthropicAdapter implements ProviderAdapter {

    @Override
    public String name() {
        return "anthropic";
    }

    @Override
    public UpstreamCall request(ObjectNode in, Candidate c, boolean stream, String credential) {
        Map<String, String> headers = UpstreamCall.jsonHeaders("x-api-key", credential);
        headers.put("anthropic-version", "2023-06-01");
        return new UpstreamCall(OpenAiAdapter.trim(c.baseUrl()) + "/messages", headers,
                Json.buffer(AnthropicRequest.body(in, c, stream)));
    }

    @Override
    public UpstreamCall withBetas(UpstreamCall call, List<String> betas) {
        if (!betas.isEmpty()) {
            call.headers().put("anthropic-beta", String.join(",", betas));
        }
        return call;
    }

    @Override
    public Completion response(JsonNode body) {
        JsonNode content = body.get("content");
        if (content == null || !content.isArray()) {
            throw new IllegalArgumentException("no content");
        }
        ObjectNode message = Json.object().put("role", "assistant");
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode calls = Json.NODES.arrayNode();
        ArrayNode details = Json.NODES.arrayNode();
        boolean jsonTool = false;
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "thinking" -> {
                    reasoning.append(block.path("thinking").asText());
                    details.add(ReasoningDetails.text(block.path("thinking").asText(), Json.text(block, "signature"),
                            ReasoningDetails.ANTHROPIC, details.size()));
                }
                case "redacted_thinking" -> details.add(ReasoningDetails.encrypted(block.path("data").asText(), null,
                        ReasoningDetails.ANTHROPIC, details.size()));
                case "tool_use" -> {
                    if (AnthropicRequest.JSON_TOOL.equals(Json.text(block, "name"))) {
                        jsonTool = true;
                        text.append(block.path("input").toString());
                        continue;
                    }
                    ObjectNode call = calls.addObject().put("id", block.path("id").asText()).put("type", "function");
                    call.putObject("function").put("name", block.path("name").asText())
                            .put("arguments", block.path("input").toString());
                }
                default -> { }
            }
        }
        message.put("content", text.toString());
        if (reasoning.length() > 0) {
            message.put("reasoning", reasoning.toString());
        }
        if (!details.isEmpty()) {
            message.set("reasoning_details", details);
        }
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        String nat = Json.text(body, "stop_reason");
        String finish = jsonTool && calls.isEmpty() && "tool_use".equals(nat) ? "stop" : finish(nat);
        ArrayNode choices = Json.NODES.arrayNode();
        ObjectNode choice = choices.addObject().put("index", 0);
        choice.set("message", message);
        choice.put("finish_reason", finish).put("native_finish_reason", nat);
        TokenUsage usage = usage(body.get("usage"));
        usage.reasoning = Math.min(Tokens.count(reasoning.toString()), usage.completion);
        return new Completion(choices, usage, Json.text(body, "id"), null, finish, nat);
    }

    static String finish(String nat) {
        if (nat == null) {
            return null;
        }
        return switch (nat) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    /** Anthropic's input_tokens leave out the cache: the prompt is the three summed. */
    static TokenUsage usage(JsonNode u) {
        if (u == null || !u.isObject()) {
            return new TokenUsage();
        }
        long cacheRead = Json.num(u, "cache_read_input_tokens");
        long cacheWrite = Json.num(u, "cache_creation_input_tokens");
        long prompt = Json.num(u, "input_tokens") + cacheRead + cacheWrite;
        return TokenUsage.of(prompt, Json.num(u, "output_tokens"), 0, cacheRead, cacheWrite);
    }

    @Override
    public StreamDecoder decoder(StreamSink sink) {
        return new Decoder(sink);
    }

    /** One stream's state: usage so far, tool blocks by index, the thinking text for the estimate. */
    private static final class Decoder implements StreamDecoder {
        private final StreamSink sink;
        private final TokenUsage usage = new TokenUsage();
        private final Map<Integer, Integer> toolIndex = new HashMap<>();
        private final Set<Integer> jsonBlocks = new HashSet<>();
        private final Map<Integer, Integer> detailIndex = new HashMap<>();
        private final StringBuilder thinking = new StringBuilder();
        private boolean jsonAnswer;

        Decoder(StreamSink sink) {
            this.sink = sink;
        }

        @Override
        public void onEvent(String event, String data) {
            JsonNode e = Json.parse(data);
            String type = e.path("type").asText(event == null ? "" : event);
            switch (type) {
                case "message_start" -> {
                    JsonNode msg = e.path("message");
                    sink.meta(Json.text(msg, "id"), null);
                    TokenUsage u = usage(msg.get("usage"));
                    usage.prompt = u.prompt;
                    usage.cached = u.cached;
                    usage.cacheWrite = u.cacheWrite;
                    usage.completion = u.completion;
                    sink.delta(0, Json.object().put("role", "assistant").put("content", ""), null, null);
                }
                case "content_block_start" -> blockStart(e.path("index").asInt(), e.path("content_block"));
                case "content_block_delta" -> blockDelta(e.path("index").asInt(), e.path("delta"));
                case "message_delta" -> {
                    JsonNode u = e.path("usage");
                    if (u.has("output_tokens")) {
                        usage.completion = u.get("output_tokens").asLong();
                        usage.present = true;
                    }
                    if (u.has("cache_read_input_tokens") || u.has("cache_creation_input_tokens")) {
                        TokenUsage full = usage(u);
                        usage.prompt = full.prompt;
                        usage.cached = full.cached;
                        usage.cacheWrite = full.cacheWrite;
                    }
                    String nat = Json.text(e.path("delta"), "stop_reason");
                    if (nat != null) {
                        String finish = jsonAnswer && toolIndex.isEmpty() && "tool_use".equals(nat) ? "stop" : finish(nat);
                        sink.delta(0, Json.object(), finish, nat);
                    }
                }
                case "message_stop" -> {
                    if (usage.present || usage.prompt > 0) {
                        usage.present = true;
                        usage.reasoning = Math.min(Tokens.count(thinking.toString()), usage.completion);
                        sink.usage(usage);
                    }
                    sink.done();
                }
                case "error" -> sink.fail(Json.text(e.path("error"), "message"));
                default -> { }
            }
        }

        private void blockStart(int index, JsonNode block) {
            switch (block.path("type").asText()) {
                case "tool_use" -> {
                    if (AnthropicRequest.JSON_TOOL.equals(Json.text(block, "name"))) {
                        jsonBlocks.add(index);
                        jsonAnswer = true;
                        return;
                    }
                    int idx = toolIndex.size();
                    toolIndex.put(index, idx);
                    ObjectNode delta = Json.object();
                    ObjectNode call = delta.putArray("tool_calls").addObject().put("index", idx)
                            .put("id", block.path("id").asText()).put("type", "function");
                    call.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
                    sink.delta(0, delta, null, null);
                }
                case "thinking" -> detailIndex.put(index, detailIndex.size());
                case "redacted_thinking" -> {
                    ObjectNode delta = Json.object();
                    ReasoningDetails.add(delta, ReasoningDetails.encrypted(block.path("data").asText(), null,
                            ReasoningDetails.ANTHROPIC, detailIndex.size()));
                    detailIndex.put(index, detailIndex.size());
                    sink.delta(0, delta, null, null);
                }
                default -> { }
            }
        }

        private void blockDelta(int index, JsonNode d) {
            switch (d.path("type").asText()) {
                case "text_delta" -> sink.delta(0, Json.object().put("content", d.path("text").asText()), null, null);
                case "thinking_delta" -> {
                    String text = d.path("thinking").asText();
                    thinking.append(text);
                    ObjectNode delta = Json.object().put("reasoning", text);
                    ReasoningDetails.add(delta, ReasoningDetails.text(text, null, ReasoningDetails.ANTHROPIC,
                            detailIndex.getOrDefault(index, 0)));
                    sink.delta(0, delta, null, null);
                }
                case "signature_delta" -> {
                    ObjectNode delta = Json.object();
                    ReasoningDetails.add(delta, ReasoningDetails.text(null, d.path("signature").asText(),
                            ReasoningDetails.ANTHROPIC, detailIndex.getOrDefault(index, 0)));
                    sink.delta(0, delta, null, null);
                }
                case "input_json_delta" -> {
                    if (jsonBlocks.contains(index)) {
                        sink.delta(0, Json.object().put("content", d.path("partial_json").asText()), null, null);
                        return;
                    }
                    ObjectNode delta = Json.object();
                    delta.putArray("tool_calls").addObject().put("index", toolIndex.getOrDefault(index, 0))
                            .putObject("function").put("arguments", d.path("partial_json").asText());
                    sink.delta(0, delta, null, null);
                }
                default -> { }
            }
        }
    }

    @Override
    public UpstreamError error(int status, JsonNode body) {
        JsonNode err = body == null ? null : body.get("error");
        if (err == null || !err.isObject()) {
            return new UpstreamError(status, null, "HTTP " + status);
        }
        String type = Json.text(err, "type");
        String message = Json.text(err, "message");
        if (message != null && message.toLowerCase().contains("prompt is too long")) {
            type = "context_length_exceeded";
        }
        return new UpstreamError(status, type, message);
    }
}
