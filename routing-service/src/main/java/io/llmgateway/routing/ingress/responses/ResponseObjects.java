package io.llmgateway.routing.ingress.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.SealedReasoning;
import io.llmgateway.routing.canonical.TokenUsage;
import java.math.BigDecimal;

/**
 * The pieces of the Responses API's {@code response} object, shared by the JSON answer and the
 * stream's events: the object itself with the request's settings echoed, its output items and
 * its usage with the gateway's cost. Its id is the generation id, so {@code /api/v1/generation}
 * finds it, as it finds {@code X-Generation-Id}.
 */
final class ResponseObjects {

    private ResponseObjects() {
    }

    /** A response object without output or usage yet. */
    static ObjectNode response(String generationId, long createdAt, ObjectNode echo, String model, String provider,
            String status) {
        ObjectNode r = Json.object();
        r.put("id", generationId);
        r.put("object", "response");
        r.put("created_at", createdAt);
        r.put("status", status);
        r.put("background", false);
        r.putNull("error");
        r.putNull("incomplete_details");
        r.set("instructions", echo.get("instructions"));
        r.set("max_output_tokens", echo.get("max_output_tokens"));
        r.put("model", model);
        r.putArray("output");
        r.set("parallel_tool_calls", echo.get("parallel_tool_calls"));
        r.putNull("previous_response_id");
        r.set("reasoning", echo.get("reasoning"));
        r.put("store", false);
        r.set("temperature", echo.get("temperature"));
        r.set("text", echo.get("text"));
        r.set("tool_choice", echo.get("tool_choice"));
        r.set("tools", echo.get("tools"));
        r.set("top_p", echo.get("top_p"));
        r.set("presence_penalty", echo.get("presence_penalty"));
        r.set("frequency_penalty", echo.get("frequency_penalty"));
        r.set("truncation", echo.get("truncation"));
        r.putNull("usage");
        r.set("user", echo.get("user"));
        r.set("metadata", echo.get("metadata"));
        if (provider != null) {
            r.put("provider", provider);
        }
        r.putNull("completed_at");
        return r;
    }

    /**
     * Sets the ending from the canonical finish reason: {@code length} and {@code content_filter}
     * make an {@code incomplete} response, as the Responses API reports them.
     */
    static void ending(ObjectNode response, String finishReason) {
        String reason = finishReason == null ? null : switch (finishReason) {
            case "length" -> "max_output_tokens";
            case "content_filter" -> "content_filter";
            default -> null;
        };
        if (reason == null) {
            response.put("status", "completed");
        } else {
            response.put("status", "incomplete");
            response.putObject("incomplete_details").put("reason", reason);
        }
        response.put("completed_at", System.currentTimeMillis() / 1000);
    }

    /** The concatenated text of the message items, as the SDKs' {@code output_text} convenience. */
    static void outputText(ObjectNode response) {
        StringBuilder text = new StringBuilder();
        for (JsonNode item : response.path("output")) {
            if ("message".equals(Json.text(item, "type"))) {
                for (JsonNode part : item.path("content")) {
                    if ("output_text".equals(Json.text(part, "type"))) {
                        text.append(part.path("text").asText());
                    }
                }
            }
        }
        response.put("output_text", text.toString());
    }

    static ObjectNode usage(TokenUsage u, BigDecimal cost) {
        ObjectNode usage = Json.object();
        usage.put("input_tokens", u.prompt);
        usage.putObject("input_tokens_details").put("cached_tokens", u.cached);
        usage.put("output_tokens", u.completion);
        usage.putObject("output_tokens_details").put("reasoning_tokens", u.reasoning);
        usage.put("total_tokens", u.prompt + u.completion);
        usage.put("cost", cost);
        usage.put("is_byok", false);
        return usage;
    }

    /** An output item id: a type prefix, the generation id's random part and the item's position. */
    static String itemId(String prefix, String generationId, int index) {
        int dash = generationId.lastIndexOf('-');
        return prefix + "_" + generationId.substring(dash + 1) + "_" + index;
    }

    static ObjectNode outputTextPart(String text) {
        ObjectNode part = Json.object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    static ObjectNode messageItem(String id, String status, String text) {
        ObjectNode item = Json.object().put("type", "message").put("id", id).put("status", status)
                .put("role", "assistant");
        if (text == null) {
            item.putArray("content");
        } else {
            item.putArray("content").add(outputTextPart(text));
        }
        return item;
    }

    static ObjectNode summaryPart(String text) {
        return Json.object().put("type", "summary_text").put("text", text);
    }

    /**
     * A reasoning item: its text as the summary, and the canonical reasoning entries (signatures,
     * encrypted reasoning) sealed as its {@code encrypted_content}, which the next turn sends back.
     */
    static ObjectNode reasoningItem(String id, String text, ArrayNode details) {
        ObjectNode item = Json.object().put("type", "reasoning").put("id", id);
        if (text == null) {
            item.putArray("summary");
        } else {
            item.putArray("summary").add(summaryPart(text));
        }
        if (details != null && !details.isEmpty()) {
            item.put("encrypted_content", SealedReasoning.seal(details));
        }
        return item;
    }

    static ObjectNode functionCallItem(String id, String status, String callId, String name, String arguments) {
        return Json.object().put("type", "function_call").put("id", id).put("call_id", callId).put("name", name)
                .put("arguments", arguments).put("status", status);
    }

    /** The Responses error object of a failed response, with a code from its HTTP status. */
    static ObjectNode error(int status, String message) {
        String code = switch (status) {
            case 429 -> "rate_limit_exceeded";
            case 400, 413 -> "invalid_prompt";
            default -> "server_error";
        };
        return Json.object().put("code", code).put("message", message);
    }
}
