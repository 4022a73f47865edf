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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Google Gemini generateContent / streamGenerateContent (SSE): contents/parts, functionCall/functionResponse. */
@Singleton
public class GeminiAdapter implements ProviderAdapter {

    @Override
    public String name() {
        return "gemini";
    }

    @Override
    public UpstreamCall request(ObjectNode in, Candidate c, boolean stream, String credential) {
        String base = modelUrl(c);
        return new UpstreamCall(stream ? base + ":streamGenerateContent?alt=sse" : base + ":generateContent",
                headers(credential), Json.buffer(GeminiRequest.body(in)));
    }

    private static String modelUrl(Candidate c) {
        return OpenAiAdapter.trim(c.baseUrl()) + "/models/" + c.endpoint().providerModel();
    }

    private static Map<String, String> headers(String credential) {
        return UpstreamCall.jsonHeaders("x-goog-api-key", credential);
    }

    /**
     * One {@code batchEmbedContents} call for every input. Gemini takes text only: token arrays are
     * decoded with the gateway's tokenizer (cl100k_base, the one OpenAI's embedding models use).
     */
    @Override
    public UpstreamCall embeddingsRequest(ObjectNode embeddings, Candidate c, String credential) {
        ObjectNode body = Json.object();
        ArrayNode requests = body.putArray("requests");
        JsonNode input = embeddings.get("input");
        boolean oneTokenArray = input.isArray() && !input.isEmpty() && input.get(0).isNumber();
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.asText());
        } else if (oneTokenArray) {
            texts.add(Tokens.decode(input));
        } else {
            input.forEach(item -> texts.add(item.isArray() ? Tokens.decode(item) : item.asText()));
        }
        for (String text : texts) {
            ObjectNode r = requests.addObject().put("model", "models/" + c.endpoint().providerModel());
            r.putObject("content").putArray("parts").addObject().put("text", text);
            if (embeddings.hasNonNull("dimensions")) {
                r.set("outputDimensionality", embeddings.get("dimensions"));
            }
        }
        return new UpstreamCall(modelUrl(c) + ":batchEmbedContents", headers(credential), Json.buffer(body));
    }

    /** Gemini reports no usage for embeddings: the gateway counts the input's tokens. */
    @Override
    public Completion embeddingsResponse(JsonNode body) {
        return new Completion(ProviderAdapter.vectors(body.get("embeddings"), "values"), usage(body.get("usageMetadata")),
                null, null, null, null);
    }

    static String finish(String nat, boolean toolCalls) {
        if (nat == null) {
            return null;
        }
        if (toolCalls && (nat.equals("STOP") || nat.equals("FINISH_REASON_UNSPECIFIED"))) {
            return "tool_calls";
        }
        return switch (nat) {
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
            case "MALFORMED_FUNCTION_CALL" -> "error";
            default -> "stop";
        };
    }

    static TokenUsage usage(JsonNode u) {
        if (u == null || !u.isObject()) {
            return new TokenUsage();
        }
        long reasoning = Json.num(u, "thoughtsTokenCount");
        return TokenUsage.of(Json.num(u, "promptTokenCount"), Json.num(u, "candidatesTokenCount") + reasoning, reasoning,
                Json.num(u, "cachedContentTokenCount"));
    }

    /**
     * Translates one candidate's parts to an OpenAI message/delta: thoughts as {@code reasoning} and
     * {@code reasoning.text} details, thought signatures as {@code reasoning.encrypted} details (with
     * the id of the tool call they came with); returns whether it held tool calls. {@code details}
     * holds the next entry index and the index of the thought text being streamed (-1: none), so that
     * consecutive thought parts, over many chunks, are one entry that clients merge by index.
     */
    private static boolean parts(JsonNode parts, ObjectNode target, int[] toolCounter, int[] details) {
        StringBuilder text = new StringBuilder();
        StringBuilder thought = new StringBuilder();
        ArrayNode calls = Json.NODES.arrayNode();
        for (JsonNode p : parts) {
            String signature = Json.text(p, "thoughtSignature");
            String callId = null;
            if (p.has("functionCall")) {
                JsonNode fc = p.get("functionCall");
                ObjectNode call = calls.addObject();
                if (toolCounter != null) {
                    call.put("index", toolCounter[0]++);
                }
                callId = fc.hasNonNull("id") ? fc.get("id").asText()
                        : "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
                call.put("id", callId).put("type", "function");
                call.putObject("function").put("name", fc.path("name").asText())
                        .put("arguments", fc.has("args") ? fc.get("args").toString() : "{}");
            } else if (p.path("thought").asBoolean(false)) {
                thought.append(p.path("text").asText());
                if (details[1] < 0) {
                    details[1] = details[0]++;
                }
                ReasoningDetails.add(target, ReasoningDetails.text(p.path("text").asText(), null, ReasoningDetails.GEMINI,
                        details[1]));
            } else if (p.has("text")) {
                text.append(p.get("text").asText());
            }
            if (signature != null || !p.path("thought").asBoolean(false)) {
                details[1] = -1; // the next thought is a new entry
            }
            if (signature != null) {
                ReasoningDetails.add(target, ReasoningDetails.encrypted(signature, callId, ReasoningDetails.GEMINI,
                        details[0]++));
            }
        }
        if (toolCounter == null || text.length() > 0) {
            target.put("content", text.toString());
        }
        if (thought.length() > 0) {
            target.put("reasoning", thought.toString());
        }
        if (!calls.isEmpty()) {
            target.set("tool_calls", calls);
        }
        return !calls.isEmpty();
    }

    @Override
    public Completion response(JsonNode body) {
        JsonNode candidates = body.get("candidates");
        if (candidates == null || !candidates.isArray()) {
            throw new IllegalArgumentException("no candidates");
        }
        ArrayNode choices = Json.NODES.arrayNode();
        String finish = null;
        String nativeFinish = null;
        int i = 0;
        for (JsonNode cand : candidates) {
            ObjectNode message = Json.object().put("role", "assistant");
            boolean tools = parts(cand.path("content").path("parts"), message, null, new int[] { 0, -1 });
            String nat = Json.text(cand, "finishReason");
            String f = finish(nat, tools);
            ObjectNode choice = choices.addObject().put("index", i++);
            choice.set("message", message);
            choice.put("finish_reason", f).put("native_finish_reason", nat);
            if (finish == null) {
                finish = f;
                nativeFinish = nat;
            }
        }
        return new Completion(choices, usage(body.get("usageMetadata")), Json.text(body, "responseId"), null, finish,
                nativeFinish);
    }

    @Override
    public StreamDecoder decoder(StreamSink sink) {
        int[] toolCounter = new int[1];
        int[] details = { 0, -1 };
        boolean[] sawTools = new boolean[1];
        return (event, data) -> {
            JsonNode e = Json.parse(data);
            if (e.has("error")) {
                sink.fail(Json.text(e.get("error"), "message"));
                return;
            }
            sink.meta(Json.text(e, "responseId"), null);
            for (JsonNode cand : e.path("candidates")) {
                ObjectNode delta = Json.object();
                boolean tools = parts(cand.path("content").path("parts"), delta, toolCounter, details);
                sawTools[0] |= tools;
                String nat = Json.text(cand, "finishReason");
                sink.delta(cand.path("index").asInt(0), delta, finish(nat, sawTools[0]), nat);
            }
            if (e.has("usageMetadata")) {
                sink.usage(usage(e.get("usageMetadata")));
            }
        };
    }

    @Override
    public UpstreamError error(int status, JsonNode body) {
        JsonNode err = body == null ? null : body.get("error");
        if (err == null || !err.isObject()) {
            return new UpstreamError(status, null, "HTTP " + status);
        }
        String message = Json.text(err, "message");
        String code = Json.text(err, "status");
        if (message != null && (message.contains("exceeds the maximum number of tokens") || message.contains("too long"))) {
            code = "context_length_exceeded";
        }
        return new UpstreamError(status, code, message);
    }
}
