package io.llmgateway.simulator.protocol;

import io.llmgateway.simulator.protocol.SimRequest.Reasoning;
import io.llmgateway.simulator.service.TokenCounter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** Gemini generateContent / streamGenerateContent?alt=sse; model and streaming come from the URL. */
@ApplicationScoped
public class GeminiProtocol implements WireProtocol {

    @Override
    public SimRequest parse(JsonObject body, String pathModel, boolean pathStream, boolean legacy) {
        JsonArray contents = Json.array(body, "contents", true);
        if (contents.isEmpty()) {
            throw ProtocolException.invalid("* GenerateContentRequest.contents: contents is not specified");
        }
        PromptPrefix prefix = new PromptPrefix();
        int prompt = 0;
        JsonObject system = Json.object(body, "systemInstruction");
        if (system == null) {
            system = Json.object(body, "system_instruction");
        }
        if (system != null) {
            prompt += parts(system.getValue("parts"), prefix);
            prefix.mark(prompt);
        }
        for (Object c : contents) {
            if (!(c instanceof JsonObject content)) {
                throw ProtocolException.invalid("contents: each content must be an object");
            }
            prefix.add(String.valueOf(content.getValue("role")));
            prompt += parts(content.getValue("parts"), prefix);
            prefix.mark(prompt); // each content ends a prefix Gemini's implicit caching may reuse
        }
        JsonObject config = Json.object(body, "generationConfig");
        if (config == null) {
            config = Json.object(body, "generation_config");
        }
        Integer max = Json.min(Json.positiveInt(config, "maxOutputTokens"), Json.positiveInt(config, "max_output_tokens"));
        Reasoning reasoning = thinking(config);
        if (reasoning != null) {
            signedFunctionCalls(contents);
        }
        return new SimRequest(pathModel, pathStream, prompt, max, tool(body), true, false, reasoning, prefix.marks(),
                false, structured(config));
    }

    private static int parts(Object parts, PromptPrefix prefix) {
        int n = 0;
        if (parts instanceof JsonArray list) {
            for (Object p : list) {
                if (p instanceof JsonObject part) {
                    String text = null;
                    if (part.getValue("text") instanceof String t) {
                        text = t;
                    } else if (part.getValue("functionCall") instanceof JsonObject call) {
                        text = call.encode();
                    } else if (part.getValue("functionResponse") instanceof JsonObject response) {
                        text = response.encode();
                    }
                    if (text != null) {
                        prefix.add(text);
                        n += TokenCounter.count(text);
                    }
                }
            }
        }
        return n;
    }

    /**
     * generationConfig.thinkingConfig: thinking is on with includeThoughts, a thinkingBudget other than 0 (-1 is
     * dynamic) or a thinkingLevel; thoughts are shown only with includeThoughts.
     */
    private static Reasoning thinking(JsonObject config) {
        JsonObject thinking = config == null ? null : Json.object(config, "thinkingConfig");
        if (thinking == null && config != null) {
            thinking = Json.object(config, "thinking_config");
        }
        if (thinking == null) {
            return null;
        }
        boolean include = Json.bool(thinking, "includeThoughts") || Json.bool(thinking, "include_thoughts");
        Object budget = thinking.containsKey("thinkingBudget") ? thinking.getValue("thinkingBudget")
                : thinking.getValue("thinking_budget");
        if (budget != null && !(budget instanceof Number)) {
            throw ProtocolException.invalid("generationConfig.thinkingConfig.thinkingBudget must be an integer");
        }
        int b = budget == null ? -1 : ((Number) budget).intValue();
        boolean level = thinking.containsKey("thinkingLevel") || thinking.containsKey("thinking_level");
        if (b == 0 && !include && !level) {
            return null;
        }
        return new Reasoning(b > 0 ? b : Integer.MAX_VALUE, include);
    }

    /**
     * As Gemini 3 does with thinking on: in the current turn (after the last user text), the first functionCall
     * part of each model step must carry the thoughtSignature the simulator issued with it.
     */
    private static void signedFunctionCalls(JsonArray contents) {
        int turnStart = 0;
        for (int i = contents.size() - 1; i >= 0; i--) {
            JsonObject content = contents.getJsonObject(i);
            if (!"model".equals(content.getValue("role")) && hasText(content.getValue("parts"))) {
                turnStart = i;
                break;
            }
        }
        for (int i = turnStart; i < contents.size(); i++) {
            JsonObject content = contents.getJsonObject(i);
            if (!"model".equals(content.getValue("role")) || !(content.getValue("parts") instanceof JsonArray parts)) {
                continue;
            }
            for (int j = 0; j < parts.size(); j++) {
                if (parts.getValue(j) instanceof JsonObject part && part.getValue("functionCall") instanceof JsonObject f) {
                    Object signature = part.containsKey("thoughtSignature") ? part.getValue("thoughtSignature")
                            : part.getValue("thought_signature");
                    String name = String.valueOf(f.getValue("name"));
                    if (!(signature instanceof String sig) || !Signatures.validGeminiFunctionCall(name, sig)) {
                        throw ProtocolException.invalid("Function call is missing a thought_signature in functionCall"
                                + " parts. This is required for tools to work correctly, and missing thought_signature"
                                + " may lead to degraded model performance. Additional data, function call `" + name
                                + "` , position " + (j + 1) + ". Please refer to"
                                + " https://ai.google.dev/gemini-api/docs/thought-signatures for more details.");
                    }
                    break; // only the first call of a step carries one
                }
            }
        }
    }

    private static boolean hasText(Object parts) {
        if (parts instanceof JsonArray list) {
            for (Object p : list) {
                if (p instanceof JsonObject part && part.getValue("text") instanceof String) {
                    return true;
                }
            }
        }
        return false;
    }

    /** responseMimeType application/json with responseSchema (OpenAPI subset) or responseJsonSchema. */
    private static String structured(JsonObject config) {
        if (config == null) {
            return null;
        }
        Object mime = config.containsKey("responseMimeType") ? config.getValue("responseMimeType")
                : config.getValue("response_mime_type");
        if (!"application/json".equals(mime)) {
            return null;
        }
        Object schema = config.getValue("responseSchema");
        if (schema == null) {
            schema = config.containsKey("responseJsonSchema") ? config.getValue("responseJsonSchema")
                    : config.getValue("response_schema");
        }
        return schema == null ? "{}" : Json.encode(SchemaInstance.of(schema));
    }

    private static ToolCall tool(JsonObject body) {
        JsonArray tools = Json.array(body, "tools", false);
        if (tools == null || tools.isEmpty()) {
            return null;
        }
        List<String> allowed = List.of();
        JsonObject toolConfig = Json.object(body, "toolConfig");
        if (toolConfig != null && toolConfig.getValue("functionCallingConfig") instanceof JsonObject fc) {
            if ("NONE".equals(fc.getValue("mode"))) {
                return null;
            }
            if (fc.getValue("allowedFunctionNames") instanceof JsonArray names) {
                allowed = names.stream().map(String::valueOf).toList();
            }
        }
        for (Object t : tools) {
            if (t instanceof JsonObject tool && tool.getValue("functionDeclarations") instanceof JsonArray decls) {
                for (Object d : decls) {
                    if (d instanceof JsonObject decl && decl.getValue("name") instanceof String name
                            && (allowed.isEmpty() || allowed.contains(name))) {
                        return new ToolCall(name, SchemaInstance.forSchema(decl.getValue("parameters")));
                    }
                }
            }
        }
        return null; // tools without function declarations (e.g. code execution) are not simulated
    }

    private static String finishReason(Completion c) {
        return c.finish() == Completion.Finish.LENGTH ? "MAX_TOKENS" : "STOP";
    }

    private static JsonObject response(SimRequest r, Completion c, JsonArray parts, String finishReason,
            boolean usage) {
        JsonObject candidate = new JsonObject()
                .put("content", new JsonObject().put("parts", parts).put("role", "model"));
        if (finishReason != null) {
            candidate.put("finishReason", finishReason);
        }
        candidate.put("index", 0);
        JsonObject out = new JsonObject().put("candidates", new JsonArray().add(candidate));
        if (usage && !c.omitUsage()) {
            JsonObject metadata = new JsonObject().put("promptTokenCount", c.promptTokens())
                    .put("candidatesTokenCount", c.completionTokens()).put("totalTokenCount", c.totalTokens());
            if (c.cacheRead() > 0) {
                metadata.put("cachedContentTokenCount", c.cacheRead());
            }
            if (c.reasoning() != null) {
                metadata.put("thoughtsTokenCount", c.reasoningTokens());
            }
            out.put("usageMetadata", metadata);
        }
        return out.put("modelVersion", r.model()).put("responseId", c.id());
    }

    /** The function call part; with thinking on it carries its thoughtSignature. */
    private static JsonObject functionCall(Completion c) {
        JsonObject part = new JsonObject().put("functionCall",
                new JsonObject().put("name", c.tool().name()).put("args", c.tool().arguments()));
        if (c.reasoning() != null) {
            part.put("thoughtSignature", Signatures.geminiFunctionCall(c.tool().name()));
        }
        return part;
    }

    private static JsonObject text(Completion c, String text, boolean signed) {
        JsonObject part = new JsonObject().put("text", text);
        if (signed && c.reasoning() != null) {
            part.put("thoughtSignature", Signatures.geminiText());
        }
        return part;
    }

    private static boolean showThoughts(SimRequest r, Completion c) {
        return c.reasoning() != null && r.reasoning().visible();
    }

    @Override
    public String body(SimRequest r, Completion c) {
        JsonArray parts = new JsonArray();
        if (showThoughts(r, c)) {
            parts.add(new JsonObject().put("text", c.reasoning()).put("thought", true));
        }
        parts.add(c.tool() != null ? functionCall(c) : text(c, c.text(), true));
        return response(r, c, parts, finishReason(c), true).encode();
    }

    /** Thoughts, then text in chunks; a function call comes whole in one event, as Gemini sends it. */
    @Override
    public List<SseEvent> events(SimRequest r, Completion c) {
        List<SseEvent> events = new ArrayList<>(c.chunks().size() + c.reasoningChunks().size() + 1);
        if (showThoughts(r, c)) {
            for (String piece : c.reasoningChunks()) {
                JsonArray thought = new JsonArray().add(new JsonObject().put("text", piece).put("thought", true));
                events.add(SseEvent.data(response(r, c, thought, null, false).encode(), 1));
            }
        }
        if (c.tool() != null) {
            events.add(SseEvent.data(response(r, c, new JsonArray().add(functionCall(c)), null, false).encode(),
                    c.completionTokens()));
        } else {
            for (String piece : c.chunks()) {
                events.add(SseEvent.data(
                        response(r, c, new JsonArray().add(new JsonObject().put("text", piece)), null, false).encode(),
                        1));
            }
        }
        // The final event: an empty text part (with the text answer's signature), finishReason and usage.
        JsonArray last = new JsonArray().add(text(c, "", c.tool() == null));
        events.add(SseEvent.data(response(r, c, last, finishReason(c), true).encode(), 0));
        return events;
    }

    @Override
    public String errorBody(int status, String code, String message) {
        String statusName = switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ABORTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 501 -> "UNIMPLEMENTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
        return new JsonObject().put("error", new JsonObject().put("code", status).put("message", message)
                .put("status", statusName)).encode();
    }
}
