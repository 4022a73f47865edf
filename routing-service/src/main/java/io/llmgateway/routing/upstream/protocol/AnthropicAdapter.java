package io.llmgateway.routing.upstream.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.Completion;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.StreamSink;
import io.llmgateway.routing.canonical.TokenUsage;
import io.llmgateway.routing.selection.Candidate;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;

/** Anthropic Messages API: system prompt, content blocks, tool_use/tool_result, its own stream events. */
@Singleton
public class AnthropicAdapter implements ProviderAdapter {

    @Override
    public String name() {
        return "anthropic";
    }

    @Override
    public UpstreamCall request(ObjectNode in, Candidate c, boolean stream, String credential) {
        ObjectNode body = Json.object();
        body.put("model", c.endpoint().providerModel());
        StringBuilder system = new StringBuilder();
        ArrayNode messages = body.putArray("messages");
        for (JsonNode m : in.path("messages")) {
            String role = m.path("role").asText();
            if (role.equals("system") || role.equals("developer")) {
                system.append(system.length() > 0 ? "\n" : "").append(Json.contentText(m.get("content")));
                continue;
            }
            ArrayNode blocks = Json.NODES.arrayNode();
            if (role.equals("tool")) {
                ObjectNode r = blocks.addObject().put("type", "tool_result")
                        .put("tool_use_id", m.path("tool_call_id").asText());
                r.put("content", Json.contentText(m.get("content")));
                append(messages, "user", blocks);
                continue;
            }
            JsonNode content = m.get("content");
            if (content != null && content.isArray()) {
                for (JsonNode part : content) {
                    if ("image_url".equals(Json.text(part, "type"))) {
                        String url = part.path("image_url").path("url").asText();
                        ObjectNode img = blocks.addObject().put("type", "image");
                        if (url.startsWith("data:")) {
                            int semi = url.indexOf(';');
                            img.putObject("source").put("type", "base64").put("media_type", url.substring(5, semi))
                                    .put("data", url.substring(url.indexOf(',') + 1));
                        } else {
                            img.putObject("source").put("type", "url").put("url", url);
                        }
                    } else if (part.has("text")) {
                        blocks.addObject().put("type", "text").put("text", part.get("text").asText());
                    }
                }
            } else if (content != null && !content.isNull() && !content.asText().isEmpty()) {
                blocks.addObject().put("type", "text").put("text", content.asText());
            }
            for (JsonNode call : m.path("tool_calls")) {
                ObjectNode use = blocks.addObject().put("type", "tool_use").put("id", call.path("id").asText())
                        .put("name", call.path("function").path("name").asText());
                String args = call.path("function").path("arguments").asText("{}");
                use.set("input", args.isBlank() ? Json.object() : Json.parse(args));
            }
            append(messages, role.equals("assistant") ? "assistant" : "user", blocks);
        }
        if (system.length() > 0) {
            body.put("system", system.toString());
        }
        JsonNode max = in.hasNonNull("max_completion_tokens") ? in.get("max_completion_tokens") : in.get("max_tokens");
        int maxTokens = max != null && max.isInt() ? max.asInt()
                : c.endpoint().maxCompletionTokens() != null ? c.endpoint().maxCompletionTokens() : 4096;
        body.put("max_tokens", maxTokens);
        copy(in, body, "temperature", "temperature");
        copy(in, body, "top_p", "top_p");
        copy(in, body, "top_k", "top_k");
        JsonNode stop = in.get("stop");
        if (stop != null && !stop.isNull()) {
            ArrayNode seq = body.putArray("stop_sequences");
            if (stop.isArray()) {
                stop.forEach(seq::add);
            } else {
                seq.add(stop.asText());
            }
        }
        if (in.path("tools").isArray() && in.path("tools").size() > 0) {
            ArrayNode tools = body.putArray("tools");
            for (JsonNode t : in.get("tools")) {
                JsonNode f = t.path("function");
                ObjectNode tool = tools.addObject().put("name", f.path("name").asText());
                if (f.has("description")) {
                    tool.put("description", f.get("description").asText());
                }
                tool.set("input_schema", f.has("parameters") ? f.get("parameters") : Json.object().put("type", "object"));
            }
            JsonNode choice = in.get("tool_choice");
            if (choice != null && !choice.isNull()) {
                if (choice.isTextual()) {
                    switch (choice.asText()) {
                        case "required" -> body.putObject("tool_choice").put("type", "any");
                        case "none" -> body.putObject("tool_choice").put("type", "none");
                        default -> body.putObject("tool_choice").put("type", "auto");
                    }
                } else {
                    body.putObject("tool_choice").put("type", "tool").put("name",
                            choice.path("function").path("name").asText());
                }
            }
        }
        JsonNode reasoning = in.get("reasoning");
        if (reasoning != null && reasoning.hasNonNull("max_tokens")) {
            body.putObject("thinking").put("type", "enabled").put("budget_tokens", reasoning.get("max_tokens").asInt());
        }
        if (stream) {
            body.put("stream", true);
        }
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/json");
        headers.put("anthropic-version", "2023-06-01");
        if (credential != null) {
            headers.put("x-api-key", credential);
        }
        return new UpstreamCall(OpenAiAdapter.trim(c.provider().baseUrl()) + "/messages", headers, Json.buffer(body));
    }

    /** Anthropic wants alternating roles: consecutive same-role turns are merged. */
    private static void append(ArrayNode messages, String role, ArrayNode blocks) {
        if (!messages.isEmpty() && role.equals(messages.get(messages.size() - 1).path("role").asText())) {
            ((ArrayNode) messages.get(messages.size() - 1).get("content")).addAll(blocks);
            return;
        }
        ObjectNode msg = messages.addObject().put("role", role);
        msg.set("content", blocks);
    }

    private static void copy(JsonNode in, ObjectNode out, String from, String to) {
        if (in.hasNonNull(from)) {
            out.set(to, in.get(from));
        }
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
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "thinking" -> reasoning.append(block.path("thinking").asText());
                case "tool_use" -> {
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
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
        String nat = Json.text(body, "stop_reason");
        String finish = finish(nat);
        ArrayNode choices = Json.NODES.arrayNode();
        ObjectNode choice = choices.addObject().put("index", 0);
        choice.set("message", message);
        choice.put("finish_reason", finish).put("native_finish_reason", nat);
        return new Completion(choices, usage(body.get("usage")), Json.text(body, "id"), null, finish, nat);
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

    static TokenUsage usage(JsonNode u) {
        if (u == null || !u.isObject()) {
            return new TokenUsage();
        }
        long cacheRead = Json.num(u, "cache_read_input_tokens");
        long prompt = Json.num(u, "input_tokens") + cacheRead + Json.num(u, "cache_creation_input_tokens");
        return TokenUsage.of(prompt, Json.num(u, "output_tokens"), 0, cacheRead);
    }

    @Override
    public StreamDecoder decoder(StreamSink sink) {
        TokenUsage usage = new TokenUsage();
        Map<Integer, Integer> toolIndex = new HashMap<>();
        return (event, data) -> {
            JsonNode e = Json.parse(data);
            String type = e.path("type").asText(event == null ? "" : event);
            switch (type) {
                case "message_start" -> {
                    JsonNode msg = e.path("message");
                    sink.meta(Json.text(msg, "id"), null);
                    TokenUsage u = usage(msg.get("usage"));
                    usage.prompt = u.prompt;
                    usage.cached = u.cached;
                    usage.completion = u.completion;
                    sink.delta(0, Json.object().put("role", "assistant").put("content", ""), null, null);
                }
                case "content_block_start" -> {
                    JsonNode block = e.path("content_block");
                    if ("tool_use".equals(Json.text(block, "type"))) {
                        int idx = toolIndex.size();
                        toolIndex.put(e.path("index").asInt(), idx);
                        ObjectNode delta = Json.object();
                        ObjectNode call = delta.putArray("tool_calls").addObject().put("index", idx)
                                .put("id", block.path("id").asText()).put("type", "function");
                        call.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
                        sink.delta(0, delta, null, null);
                    }
                }
                case "content_block_delta" -> {
                    JsonNode d = e.path("delta");
                    switch (d.path("type").asText()) {
                        case "text_delta" -> sink.delta(0, Json.object().put("content", d.path("text").asText()), null, null);
                        case "thinking_delta" -> sink.delta(0, Json.object().put("reasoning", d.path("thinking").asText()),
                                null, null);
                        case "input_json_delta" -> {
                            ObjectNode delta = Json.object();
                            delta.putArray("tool_calls").addObject()
                                    .put("index", toolIndex.getOrDefault(e.path("index").asInt(), 0))
                                    .putObject("function").put("arguments", d.path("partial_json").asText());
                            sink.delta(0, delta, null, null);
                        }
                        default -> { }
                    }
                }
                case "message_delta" -> {
                    JsonNode u = e.path("usage");
                    if (u.has("output_tokens")) {
                        usage.completion = u.get("output_tokens").asLong();
                        usage.present = true;
                    }
                    String nat = Json.text(e.path("delta"), "stop_reason");
                    if (nat != null) {
                        sink.delta(0, Json.object(), finish(nat), nat);
                    }
                }
                case "message_stop" -> {
                    if (usage.present || usage.prompt > 0) {
                        usage.present = true;
                        sink.usage(usage);
                    }
                    sink.done();
                }
                case "error" -> sink.fail(Json.text(e.path("error"), "message"));
                default -> { }
            }
        };
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
