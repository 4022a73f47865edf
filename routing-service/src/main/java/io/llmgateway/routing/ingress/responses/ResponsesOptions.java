package io.llmgateway.routing.ingress.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.ingress.chat.BadRequest;
import java.util.Set;

/**
 * The Responses options that are not content: each one acted on, or refused with a 400 naming it.
 * {@code include}: {@code reasoning.encrypted_content} is what the gateway always answers (it stores
 * nothing, so the reasoning a next turn needs travels in the output); nothing else it can produce.
 * {@code truncation: auto} is middle-out. {@code service_tier} {@code auto} / {@code default} is the
 * standard tier every endpoint serves and the catalog prices; another tier would be billed wrong.
 * {@code safety_identifier} is the end user when {@code user} is not given (recorded, and Anthropic's
 * {@code metadata.user_id}). {@code max_tool_calls} limits built-in tool calls, which the gateway cannot
 * run. {@code stream_options.include_obfuscation}: the gateway's stream carries no padding.
 */
final class ResponsesOptions {

    private static final Set<String> TIERS = Set.of("auto", "default");

    private ResponsesOptions() {
    }

    static void apply(ObjectNode request, ObjectNode chat) {
        include(request.get("include"));
        JsonNode truncation = request.get("truncation");
        if (present(truncation)) {
            switch (truncation.asText()) {
                case "auto" -> chat.putArray("transforms").add("middle-out");
                case "disabled" -> { }
                default -> throw BadRequest.field("truncation", "expected auto or disabled");
            }
        }
        JsonNode tier = request.get("service_tier");
        if (present(tier) && !(tier.isTextual() && TIERS.contains(tier.asText()))) {
            throw BadRequest.unsupported("service_tier", "only auto and default (the standard tier the catalog"
                    + " prices) are served here");
        }
        if (present(tier)) {
            chat.set("service_tier", tier);
        }
        for (String text : new String[] { "prompt_cache_key", "safety_identifier" }) {
            if (present(request.get(text)) && !request.get(text).isTextual()) {
                throw BadRequest.field(text, "expected a string");
            }
        }
        if (!present(chat.get("user")) && present(request.get("safety_identifier"))) {
            chat.set("user", request.get("safety_identifier"));
        }
        if (present(request.get("max_tool_calls"))) {
            throw BadRequest.unsupported("max_tool_calls", "it limits built-in tool calls, and this gateway runs no"
                    + " built-in tools; limit function calls in your own loop");
        }
        streamOptions(request.get("stream_options"));
    }

    private static void include(JsonNode include) {
        if (!present(include)) {
            return;
        }
        if (!include.isArray()) {
            throw BadRequest.field("include", "expected an array of strings");
        }
        for (int i = 0; i < include.size(); i++) {
            if (!"reasoning.encrypted_content".equals(include.get(i).asText(null))) {
                throw BadRequest.unsupported("include[" + i + "]", "only reasoning.encrypted_content can be included"
                        + " (and always is)");
            }
        }
    }

    private static void streamOptions(JsonNode value) {
        JsonNode options = BadRequest.object(value, "stream_options", Set.of("include_obfuscation"));
        JsonNode obfuscation = options == null ? null : options.get("include_obfuscation");
        if (present(obfuscation) && !obfuscation.isBoolean()) {
            throw BadRequest.field("stream_options.include_obfuscation", "expected a boolean");
        }
        if (present(obfuscation) && obfuscation.asBoolean()) {
            throw BadRequest.unsupported("stream_options.include_obfuscation", "the gateway's stream events carry no"
                    + " obfuscation padding; send false or leave it out");
        }
    }

    private static boolean present(JsonNode v) {
        return v != null && !v.isNull();
    }
}
