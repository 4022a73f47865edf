package io.llmgateway.routing.upstream.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.selection.Candidate;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The canonical request as an Anthropic Messages body: system kept as blocks, content parts as text /
 * image / document blocks, {@code cache_control} kept wherever the client put it (a top-level one
 * goes on the last cacheable block), tools, {@code thinking} budgets, reasoning sent back as signed
 * thinking blocks, and {@code response_format} as {@code output_config.format} (json_schema) or a
 * forced tool whose input becomes the answer (json_object).
 */
final class AnthropicRequest {

    /** The tool a {@code json_object} request is answered through; its input is returned as the content. */
    static final String JSON_TOOL = "gateway_json_output";
    private static final int DEFAULT_MAX_TOKENS = 4096;
    private static final int MIN_BUDGET = 1024;

    private AnthropicRequest() {
    }

    static ObjectNode body(ObjectNode in, Candidate c, boolean stream) {
        ObjectNode body = Json.object();
        body.put("model", c.endpoint().providerModel());
        ArrayNode system = Json.NODES.arrayNode();
        ArrayNode messages = body.putArray("messages");
        for (JsonNode m : in.path("messages")) {
            String role = m.path("role").asText();
            if (role.equals("system") || role.equals("developer")) {
                blocks(m.get("content"), system);
                continue;
            }
            ArrayNode blocks = Json.NODES.arrayNode();
            if (role.equals("tool")) {
                ObjectNode r = blocks.addObject().put("type", "tool_result")
                        .put("tool_use_id", m.path("tool_call_id").asText());
                JsonNode content = m.get("content");
                if (content != null && content.isArray()) {
                    blocks(content, r.putArray("content"));
                } else {
                    r.put("content", Json.contentText(content));
                }
                append(messages, "user", blocks);
                continue;
            }
            boolean assistant = role.equals("assistant");
            if (assistant) {
                thinking(m, blocks);
            }
            blocks(m.get("content"), blocks);
            for (JsonNode call : m.path("tool_calls")) {
                ObjectNode use = blocks.addObject().put("type", "tool_use").put("id", call.path("id").asText())
                        .put("name", call.path("function").path("name").asText());
                String args = call.path("function").path("arguments").asText("{}");
                use.set("input", args.isBlank() ? Json.object() : Json.parse(args));
                if (call.get("cache_control") instanceof ObjectNode cache) {
                    use.set("cache_control", cache);
                }
            }
            append(messages, assistant ? "assistant" : "user", blocks);
        }
        if (!system.isEmpty()) {
            body.set("system", system);
        }
        ReasoningAsk reasoning = ReasoningAsk.of(in);
        int maxTokens = maxTokens(in, c);
        if (reasoning.on()) {
            int budget = Math.max(MIN_BUDGET, reasoning.budget(maxTokens));
            if (budget >= maxTokens) {
                maxTokens = budget + maxTokens; // the answer keeps the room the client gave it
            }
            body.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
        }
        body.put("max_tokens", maxTokens);
        copy(in, body, "temperature");
        copy(in, body, "top_p");
        copy(in, body, "top_k");
        JsonNode stop = in.get("stop");
        if (stop != null && !stop.isNull()) {
            ArrayNode seq = body.putArray("stop_sequences");
            if (stop.isArray()) {
                stop.forEach(seq::add);
            } else {
                seq.add(stop.asText());
            }
        }
        if (in.hasNonNull("user")) {
            body.putObject("metadata").put("user_id", in.get("user").asText());
        }
        tools(in, body, reasoning.on());
        if (in.get("cache_control") instanceof ObjectNode cache) {
            lastCacheable(body, cache);
        }
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }

    private static int maxTokens(JsonNode in, Candidate c) {
        JsonNode max = in.hasNonNull("max_completion_tokens") ? in.get("max_completion_tokens") : in.get("max_tokens");
        if (max != null && max.canConvertToInt()) {
            return max.asInt();
        }
        Integer cap = c.endpoint().maxCompletionTokens();
        return cap != null ? cap : DEFAULT_MAX_TOKENS;
    }

    /** Content (a string or parts) as blocks, each part's cache_control kept. */
    private static void blocks(JsonNode content, ArrayNode out) {
        if (content == null || content.isNull()) {
            return;
        }
        if (!content.isArray()) {
            if (!content.asText().isEmpty()) {
                out.addObject().put("type", "text").put("text", content.asText());
            }
            return;
        }
        for (JsonNode part : content) {
            ObjectNode block = switch (part.path("type").asText("text")) {
                case "image_url" -> image(part.path("image_url").path("url").asText());
                case "file" -> document(part.path("file"));
                default -> part.has("text") ? Json.object().put("type", "text").put("text", part.get("text").asText())
                        : null;
            };
            if (block == null) {
                continue;
            }
            if (part.get("cache_control") instanceof ObjectNode cache) {
                block.set("cache_control", cache);
            }
            out.add(block);
        }
    }

    private static ObjectNode image(String url) {
        ObjectNode img = Json.object().put("type", "image");
        img.set("source", source(url, "image/png"));
        return img;
    }

    /** A {@code file} part: a PDF (data URL or link) as a document; plain text as a text document. */
    private static ObjectNode document(JsonNode file) {
        String data = file.hasNonNull("file_data") ? file.get("file_data").asText() : file.path("url").asText("");
        ObjectNode doc = Json.object().put("type", "document");
        DataUrl url = DataUrl.parse(data);
        if (url != null && url.mediaType().startsWith("text/")) {
            doc.putObject("source").put("type", "text").put("media_type", "text/plain")
                    .put("data", new String(Base64.getDecoder().decode(url.data()), StandardCharsets.UTF_8));
        } else {
            doc.set("source", source(data, "application/pdf"));
        }
        if (file.hasNonNull("filename")) {
            doc.put("title", file.get("filename").asText());
        }
        return doc;
    }

    private static ObjectNode source(String url, String fallbackType) {
        DataUrl data = DataUrl.parse(url);
        if (data == null) {
            return Json.object().put("type", "url").put("url", url);
        }
        return Json.object().put("type", "base64")
                .put("media_type", data.mediaType().isEmpty() ? fallbackType : data.mediaType()).put("data", data.data());
    }

    /** An assistant turn's reasoning sent back: signed thinking and redacted thinking, first in the turn. */
    private static void thinking(JsonNode message, ArrayNode blocks) {
        for (JsonNode d : ReasoningDetails.of(message, ReasoningDetails.ANTHROPIC)) {
            String type = d.path("type").asText();
            if (type.equals("reasoning.text") && d.hasNonNull("signature")) {
                blocks.addObject().put("type", "thinking").put("thinking", d.path("text").asText(""))
                        .put("signature", d.get("signature").asText());
            } else if (type.equals("reasoning.encrypted") && d.hasNonNull("data") && !d.hasNonNull("id")) {
                blocks.addObject().put("type", "redacted_thinking").put("data", d.get("data").asText());
            }
        }
    }

    private static void tools(JsonNode in, ObjectNode body, boolean thinking) {
        ArrayNode tools = Json.NODES.arrayNode();
        for (JsonNode t : in.path("tools")) {
            JsonNode f = t.path("function");
            ObjectNode tool = tools.addObject().put("name", f.path("name").asText());
            if (f.has("description")) {
                tool.put("description", f.get("description").asText());
            }
            tool.set("input_schema", f.has("parameters") ? f.get("parameters") : Json.object().put("type", "object"));
            JsonNode cache = t.has("cache_control") ? t.get("cache_control") : f.get("cache_control");
            if (cache instanceof ObjectNode) {
                tool.set("cache_control", cache);
            }
        }
        ObjectNode choice = toolChoice(in.get("tool_choice"));
        JsonNode rf = in.path("response_format");
        String format = rf.path("type").asText("");
        if (format.equals("json_schema")) {
            body.putObject("output_config").putObject("format").put("type", "json_schema")
                    .set("schema", rf.path("json_schema").path("schema").isObject() ? rf.path("json_schema").get("schema")
                            : Json.object().put("type", "object"));
        } else if (format.equals("json_object")) {
            tools.addObject().put("name", JSON_TOOL).put("description", "Answer with a JSON object.")
                    .putObject("input_schema").put("type", "object");
            if (choice == null && !thinking && tools.size() == 1) {
                choice = Json.object().put("type", "tool").put("name", JSON_TOOL);
            }
        }
        if (tools.isEmpty()) {
            return;
        }
        body.set("tools", tools);
        if (in.path("parallel_tool_calls").isBoolean() && !in.get("parallel_tool_calls").asBoolean()) {
            choice = choice == null ? Json.object().put("type", "auto") : choice;
            if (!choice.path("type").asText().equals("none")) {
                choice.put("disable_parallel_tool_use", true);
            }
        }
        if (choice != null) {
            body.set("tool_choice", choice);
        }
    }

    private static ObjectNode toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual()) {
            return Json.object().put("type", switch (choice.asText()) {
                case "required" -> "any";
                case "none" -> "none";
                default -> "auto";
            });
        }
        return Json.object().put("type", "tool").put("name", choice.path("function").path("name").asText());
    }

    /** Automatic caching: the top-level cache_control on the last block of the prompt that can carry one. */
    private static void lastCacheable(ObjectNode body, ObjectNode cache) {
        JsonNode messages = body.path("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode blocks = messages.get(i).path("content");
            for (int j = blocks.size() - 1; j >= 0; j--) {
                String type = blocks.get(j).path("type").asText();
                if (!type.equals("thinking") && !type.equals("redacted_thinking")) {
                    ((ObjectNode) blocks.get(j)).set("cache_control", cache);
                    return;
                }
            }
        }
        JsonNode system = body.path("system");
        if (system.isArray() && !system.isEmpty()) {
            ((ObjectNode) system.get(system.size() - 1)).set("cache_control", cache);
        }
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

    private static void copy(JsonNode in, ObjectNode out, String field) {
        if (in.hasNonNull(field)) {
            out.set(field, in.get(field));
        }
    }
}
