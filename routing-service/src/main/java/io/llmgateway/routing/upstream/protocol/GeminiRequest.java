package io.llmgateway.routing.upstream.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.Json;
import java.util.HashMap;
import java.util.Map;

/**
 * The canonical request as a Gemini {@code generateContent} body: contents and parts (images and
 * files as inline or file data), tools, {@code thinkingConfig}, thought signatures sent back on the
 * parts they came with, and {@code response_format} as {@code responseMimeType} +
 * {@code responseJsonSchema}. Gemini caches implicitly: there is no cache field to send.
 */
final class GeminiRequest {

    /** Output cap an effort's share is taken from when the request sets none. */
    private static final int DEFAULT_OUTPUT = 8192;

    private GeminiRequest() {
    }

    static ObjectNode body(ObjectNode in) {
        ObjectNode body = Json.object();
        ArrayNode contents = body.putArray("contents");
        ArrayNode system = Json.NODES.arrayNode();
        Map<String, String> toolNames = new HashMap<>();
        for (JsonNode m : in.path("messages")) {
            String role = m.path("role").asText();
            if (role.equals("system") || role.equals("developer")) {
                parts(m.get("content"), system);
                continue;
            }
            ArrayNode parts = Json.NODES.arrayNode();
            if (role.equals("tool")) {
                String name = toolNames.getOrDefault(m.path("tool_call_id").asText(), m.path("name").asText("tool"));
                ObjectNode fr = parts.addObject().putObject("functionResponse").put("name", name);
                String text = Json.contentText(m.get("content"));
                JsonNode parsed;
                try {
                    parsed = Json.parse(text);
                } catch (RuntimeException e) {
                    parsed = null;
                }
                fr.set("response", parsed != null && parsed.isObject() ? parsed : Json.object().put("content", text));
                append(contents, "user", parts);
                continue;
            }
            parts(m.get("content"), parts);
            Map<String, String> signatures = new HashMap<>();
            String textSignature = null;
            for (JsonNode d : ReasoningDetails.of(m, ReasoningDetails.GEMINI)) {
                if ("reasoning.encrypted".equals(Json.text(d, "type")) && d.hasNonNull("data")) {
                    if (d.hasNonNull("id")) {
                        signatures.put(d.get("id").asText(), d.get("data").asText());
                    } else if (textSignature == null) {
                        textSignature = d.get("data").asText();
                    }
                }
            }
            if (textSignature != null && !parts.isEmpty() && parts.get(parts.size() - 1).has("text")) {
                ((ObjectNode) parts.get(parts.size() - 1)).put("thoughtSignature", textSignature);
            }
            for (JsonNode call : m.path("tool_calls")) {
                String name = call.path("function").path("name").asText();
                String id = call.path("id").asText();
                toolNames.put(id, name);
                String args = call.path("function").path("arguments").asText("{}");
                ObjectNode part = parts.addObject();
                part.putObject("functionCall").put("name", name)
                        .set("args", args.isBlank() ? Json.object() : Json.parse(args));
                if (signatures.containsKey(id)) {
                    part.put("thoughtSignature", signatures.get(id));
                }
            }
            append(contents, role.equals("assistant") ? "model" : "user", parts);
        }
        if (!system.isEmpty()) {
            body.putObject("systemInstruction").set("parts", system);
        }
        ObjectNode gen = body.putObject("generationConfig");
        copy(in, gen, "temperature", "temperature");
        copy(in, gen, "top_p", "topP");
        copy(in, gen, "top_k", "topK");
        copy(in, gen, "seed", "seed");
        copy(in, gen, "presence_penalty", "presencePenalty");
        copy(in, gen, "frequency_penalty", "frequencyPenalty");
        copy(in, gen, in.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens", "maxOutputTokens");
        JsonNode stop = in.get("stop");
        if (stop != null && !stop.isNull()) {
            ArrayNode seq = gen.putArray("stopSequences");
            if (stop.isArray()) {
                stop.forEach(seq::add);
            } else {
                seq.add(stop.asText());
            }
        }
        JsonNode rf = in.get("response_format");
        if (rf != null && rf.isObject()) {
            String type = rf.path("type").asText();
            if (type.equals("json_object") || type.equals("json_schema")) {
                gen.put("responseMimeType", "application/json");
                if (rf.path("json_schema").has("schema")) {
                    gen.set("responseJsonSchema", rf.path("json_schema").get("schema"));
                }
            }
        }
        thinking(ReasoningAsk.of(in), gen);
        tools(in, body);
        return body;
    }

    /** thinkingConfig: the asked budget, or the effort's share of the output cap; thoughts shown unless excluded. */
    private static void thinking(ReasoningAsk r, ObjectNode gen) {
        if (r.off()) {
            gen.putObject("thinkingConfig").put("thinkingBudget", 0);
        } else if (r.on()) {
            int cap = gen.path("maxOutputTokens").asInt(DEFAULT_OUTPUT);
            ObjectNode config = gen.putObject("thinkingConfig");
            config.put("thinkingBudget", r.maxTokens() == null && r.effort() == null ? -1 : Math.max(1, r.budget(cap)));
            config.put("includeThoughts", !r.exclude());
        }
    }

    private static void tools(JsonNode in, ObjectNode body) {
        if (!in.path("tools").isArray() || in.path("tools").isEmpty()) {
            return;
        }
        ArrayNode decls = body.putArray("tools").addObject().putArray("functionDeclarations");
        for (JsonNode t : in.get("tools")) {
            JsonNode f = t.path("function");
            ObjectNode d = decls.addObject().put("name", f.path("name").asText());
            if (f.has("description")) {
                d.put("description", f.get("description").asText());
            }
            if (f.has("parameters")) {
                d.set("parameters", f.get("parameters"));
            }
        }
        JsonNode choice = in.get("tool_choice");
        if (choice != null && !choice.isNull()) {
            ObjectNode fcc = body.putObject("toolConfig").putObject("functionCallingConfig");
            if (choice.isTextual()) {
                fcc.put("mode", switch (choice.asText()) {
                    case "required" -> "ANY";
                    case "none" -> "NONE";
                    default -> "AUTO";
                });
            } else {
                fcc.put("mode", "ANY").putArray("allowedFunctionNames").add(choice.path("function").path("name").asText());
            }
        }
    }

    /** Content (a string or parts) as Gemini parts: text, images and files inline (data URLs) or by URI. */
    private static void parts(JsonNode content, ArrayNode out) {
        if (content == null || content.isNull()) {
            return;
        }
        if (!content.isArray()) {
            if (!content.asText().isEmpty()) {
                out.addObject().put("text", content.asText());
            }
            return;
        }
        for (JsonNode part : content) {
            switch (part.path("type").asText("text")) {
                case "image_url" -> data(part.path("image_url").path("url").asText(), null, out);
                case "file" -> {
                    JsonNode file = part.path("file");
                    data(file.hasNonNull("file_data") ? file.get("file_data").asText() : file.path("url").asText(""),
                            "application/pdf", out);
                }
                case "input_audio" -> out.addObject().putObject("inlineData")
                        .put("mimeType", "audio/" + part.path("input_audio").path("format").asText("wav"))
                        .put("data", part.path("input_audio").path("data").asText());
                default -> {
                    if (part.has("text")) {
                        out.addObject().put("text", part.get("text").asText());
                    }
                }
            }
        }
    }

    private static void data(String url, String fallbackType, ArrayNode out) {
        DataUrl d = DataUrl.parse(url);
        if (d != null) {
            out.addObject().putObject("inlineData").put("mimeType", d.mediaType()).put("data", d.data());
            return;
        }
        ObjectNode file = out.addObject().putObject("fileData").put("fileUri", url);
        if (fallbackType != null) {
            file.put("mimeType", fallbackType);
        }
    }

    private static void append(ArrayNode contents, String role, ArrayNode parts) {
        if (!contents.isEmpty() && role.equals(contents.get(contents.size() - 1).path("role").asText())) {
            ((ArrayNode) contents.get(contents.size() - 1).get("parts")).addAll(parts);
            return;
        }
        contents.addObject().put("role", role).set("parts", parts);
    }

    private static void copy(JsonNode in, ObjectNode out, String from, String to) {
        if (in.hasNonNull(from)) {
            out.set(to, in.get(from));
        }
    }
}
