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
import java.util.List;
import java.util.Map;

/** OpenAI-compatible providers: the request passes through with the model renamed and our own fields removed. */
@Singleton
public class OpenAiAdapter implements ProviderAdapter {

    /**
     * Fields only the gateway understands; providers may reject them. A top-level {@code cache_control}
     * (automatic caching) is Anthropic's: OpenAI caches prompts by itself and refuses unknown arguments;
     * {@code cache_control} on content parts passes through for the OpenAI-compatible hosts that read it.
     */
    static final List<String> GATEWAY_FIELDS = List.of("models", "provider", "route", "transforms", "usage", "plugins",
            "reasoning", "debug", "session_id", "trace", "cache_control");

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public UpstreamCall request(ObjectNode chatRequest, Candidate candidate, boolean stream, String credential) {
        // a shallow copy: the request's values are shared read-only with the next attempts, and only
        // the top level (and stream_options, when we add to it) differs per endpoint
        ObjectNode body = Json.object();
        body.put("model", candidate.endpoint().providerModel());
        for (Map.Entry<String, JsonNode> field : chatRequest.properties()) {
            String name = field.getKey();
            if (!name.equals("model") && !name.equals("stream") && !name.equals("stream_options")
                    && !GATEWAY_FIELDS.contains(name)) {
                body.set(name, field.getValue());
            }
        }
        ReasoningAsk reasoning = ReasoningAsk.of(chatRequest);
        if (!body.has("reasoning_effort") && (reasoning.on() || reasoning.off())) {
            body.put("reasoning_effort", reasoning.off() ? "none" : reasoning.effort() != null ? reasoning.effort() : "medium");
        }
        if (stream) {
            body.put("stream", true);
            // usage in the last chunk is what we bill from
            JsonNode asked = chatRequest.get("stream_options");
            ObjectNode options = asked != null && asked.isObject() ? ((ObjectNode) asked).deepCopy() : Json.object();
            options.put("include_usage", true);
            body.set("stream_options", options);
        }
        return new UpstreamCall(trim(candidate.baseUrl()) + "/chat/completions", headers(credential),
                Json.buffer(body));
    }

    private static Map<String, String> headers(String credential) {
        return UpstreamCall.jsonHeaders("authorization", credential == null ? null : "Bearer " + credential);
    }

    @Override
    public Completion response(JsonNode body) {
        JsonNode choices = body.get("choices");
        if (choices == null || !choices.isArray()) {
            throw new IllegalArgumentException("provider answer has no choices");
        }
        // the answer was parsed for this call alone: its choices are completed in place
        String finish = null;
        String nativeFinish = null;
        for (JsonNode c : choices) {
            ObjectNode choice = (ObjectNode) c;
            if (c.get("message") instanceof ObjectNode message) {
                reasoning(message);
            }
            String nat = Json.text(c, "finish_reason");
            choice.put("finish_reason", normalise(nat));
            choice.put("native_finish_reason", nat);
            if (finish == null) {
                finish = normalise(nat);
                nativeFinish = nat;
            }
        }
        return new Completion((ArrayNode) choices, usage(body.get("usage")), Json.text(body, "id"), Json.text(body, "system_fingerprint"),
                finish, nativeFinish);
    }

    @Override
    public StreamDecoder decoder(StreamSink sink) {
        return (event, data) -> {
            if (data.equals("[DONE]")) {
                sink.done();
                return;
            }
            JsonNode chunk = Json.parse(data);
            if (chunk.has("error")) {
                sink.fail(Json.text(chunk.get("error"), "message"));
                return;
            }
            sink.meta(Json.text(chunk, "id"), Json.text(chunk, "system_fingerprint"));
            JsonNode choices = chunk.get("choices");
            if (choices != null) {
                for (JsonNode c : choices) {
                    String nat = Json.text(c, "finish_reason");
                    ObjectNode delta = c.get("delta") instanceof ObjectNode d ? d : Json.object();
                    reasoning(delta);
                    if (c.hasNonNull("logprobs")) {
                        delta.set("logprobs", c.get("logprobs")); // the chat stream writer moves it to the choice
                    }
                    sink.delta(c.path("index").asInt(0), delta, normalise(nat), nat);
                }
            }
            if (chunk.hasNonNull("usage")) {
                sink.usage(usage(chunk.get("usage")));
            }
        };
    }

    @Override
    public UpstreamCall embeddingsRequest(ObjectNode embeddings, Candidate candidate, String credential) {
        ObjectNode body = Json.object();
        body.put("model", candidate.endpoint().providerModel());
        body.set("input", embeddings.get("input"));
        if (embeddings.hasNonNull("dimensions")) {
            body.set("dimensions", embeddings.get("dimensions"));
        }
        if (embeddings.hasNonNull("user")) {
            body.set("user", embeddings.get("user"));
        }
        body.put("encoding_format", "float");
        return new UpstreamCall(trim(candidate.baseUrl()) + "/embeddings", headers(credential),
                Json.buffer(body));
    }

    @Override
    public Completion embeddingsResponse(JsonNode body) {
        return new Completion(ProviderAdapter.vectors(body.get("data"), "embedding"), usage(body.get("usage")),
                Json.text(body, "id"), null, null, null);
    }

    @Override
    public UpstreamError error(int status, JsonNode body) {
        JsonNode err = body == null ? null : body.get("error");
        if (err == null || !err.isObject()) {
            return new UpstreamError(status, null, body != null && body.isTextual() ? body.asText() : "HTTP " + status);
        }
        String code = Json.text(err, "code");
        if (code == null || code.matches("\\d+")) {
            code = Json.text(err, "type");
        }
        return new UpstreamError(status, code, Json.text(err, "message"));
    }

    /** OpenAI's usage; {@code cache_write_tokens} is OpenRouter's, sent by the hosts that bill cache writes. */
    static TokenUsage usage(JsonNode u) {
        if (u == null || !u.isObject()) {
            return new TokenUsage();
        }
        JsonNode prompt = u.get("prompt_tokens_details");
        return TokenUsage.of(Json.num(u, "prompt_tokens"), Json.num(u, "completion_tokens"),
                Json.num(u.get("completion_tokens_details"), "reasoning_tokens"), Json.num(prompt, "cached_tokens"),
                Json.num(prompt, "cache_write_tokens"));
    }

    /**
     * A message or delta's reasoning as OpenRouter shapes it: {@code reasoning_content} (vLLM,
     * DeepSeek) read as {@code reasoning}, and {@code reasoning_details} added when the host sent none.
     */
    private static void reasoning(ObjectNode target) {
        JsonNode content = target.remove("reasoning_content");
        if (content != null && content.isTextual() && !target.has("reasoning")) {
            target.set("reasoning", content);
        }
        JsonNode text = target.get("reasoning");
        if (text != null && text.isTextual() && !text.asText().isEmpty() && !target.has("reasoning_details")) {
            ReasoningDetails.add(target, ReasoningDetails.text(text.asText(), null, "unknown", 0));
        }
    }

    static String normalise(String reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case "stop", "end_turn", "stop_sequence", "eos" -> "stop";
            case "length", "max_tokens" -> "length";
            case "tool_calls", "function_call", "tool_use" -> "tool_calls";
            case "content_filter", "safety" -> "content_filter";
            case "error" -> "error";
            default -> "stop";
        };
    }

    static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
