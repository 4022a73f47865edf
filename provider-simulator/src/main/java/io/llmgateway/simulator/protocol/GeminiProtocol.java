package io.llmgateway.simulator.protocol;

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
    public String name() {
        return "gemini";
    }

    @Override
    public SimRequest parse(JsonObject body, String pathModel, boolean pathStream, boolean legacy) {
        JsonArray contents = Json.array(body, "contents", true);
        int prompt = 0;
        JsonObject system = Json.object(body, "systemInstruction");
        if (system == null) {
            system = Json.object(body, "system_instruction");
        }
        if (system != null) {
            prompt += parts(system.getValue("parts"));
        }
        for (Object c : contents) {
            if (!(c instanceof JsonObject content)) {
                throw ProtocolException.invalid("contents: each content must be an object");
            }
            prompt += parts(content.getValue("parts"));
        }
        JsonObject config = Json.object(body, "generationConfig");
        if (config == null) {
            config = Json.object(body, "generation_config");
        }
        Integer max = Json.min(Json.positiveInt(config, "maxOutputTokens"), Json.positiveInt(config, "max_output_tokens"));
        return new SimRequest(pathModel, pathStream, prompt, max, tool(body), true, false);
    }

    private static int parts(Object parts) {
        int n = 0;
        if (parts instanceof JsonArray list) {
            for (Object p : list) {
                if (p instanceof JsonObject part) {
                    if (part.getValue("text") instanceof String text) {
                        n += TokenCounter.count(text);
                    } else if (part.getValue("functionCall") instanceof JsonObject call) {
                        n += TokenCounter.count(call.encode());
                    } else if (part.getValue("functionResponse") instanceof JsonObject response) {
                        n += TokenCounter.count(response.encode());
                    }
                }
            }
        }
        return n;
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
                        return new ToolCall(name, ToolArguments.forSchema(decl.getValue("parameters")));
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
            out.put("usageMetadata", new JsonObject().put("promptTokenCount", c.promptTokens())
                    .put("candidatesTokenCount", c.completionTokens()).put("totalTokenCount", c.totalTokens()));
        }
        return out.put("modelVersion", r.model()).put("responseId", c.id());
    }

    private static JsonObject functionCall(Completion c) {
        return new JsonObject().put("functionCall",
                new JsonObject().put("name", c.tool().name()).put("args", c.tool().arguments()));
    }

    @Override
    public String body(SimRequest r, Completion c) {
        JsonObject part = c.tool() != null ? functionCall(c) : new JsonObject().put("text", c.text());
        return response(r, c, new JsonArray().add(part), finishReason(c), true).encode();
    }

    /** Text in chunks; a function call comes whole in one event, as Gemini sends it. */
    @Override
    public List<SseEvent> events(SimRequest r, Completion c) {
        List<SseEvent> events = new ArrayList<>(c.chunks().size() + 1);
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
        JsonArray empty = new JsonArray().add(new JsonObject().put("text", ""));
        events.add(SseEvent.data(response(r, c, empty, finishReason(c), true).encode(), 0));
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
