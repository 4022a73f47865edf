package io.llmgateway.metering.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OpenRouter's generation stats shape ({@code GenerationResponse.data}), built from a stored row, plus
 * a few gateway fields (requested_model, endpoint_id, ttft, status, attempts). Every field the spec
 * marks required is present, null where the gateway has no such notion (moderation, apps, BYOK, presets,
 * web search, user agent); {@code external_user} and {@code session_id} are the request's {@code user} and
 * {@code session_id}; {@code workspace_id} is the account id.
 */
public final class GenerationView {

    private GenerationView() {
    }

    public static Map<String, Object> of(Row r, ObjectMapper mapper) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", r.getString("generation_id"));
        columns(d, r, "upstream_id");
        d.put("total_cost", r.getBigDecimal("cost"));
        d.put("usage", r.getBigDecimal("cost"));
        absent(d, "cache_discount", "upstream_inference_cost");
        OffsetDateTime created = r.getOffsetDateTime("created_at");
        d.put("created_at", created.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        columns(d, r, "model");
        absent(d, "app_id");
        columns(d, r, "streamed", "cancelled");
        d.put("provider_name", r.getString("provider"));
        d.put("latency", r.getLong("latency_ms"));
        absent(d, "moderation_latency");
        d.put("generation_time", r.getLong("generation_time_ms"));
        columns(d, r, "finish_reason", "native_finish_reason");
        absent(d, "service_tier");
        // the gateway keeps the provider-reported counts; normalised and native counts are the same numbers
        d.put("tokens_prompt", r.getLong("prompt_tokens"));
        d.put("tokens_completion", r.getLong("completion_tokens"));
        d.put("native_tokens_prompt", r.getLong("prompt_tokens"));
        d.put("native_tokens_completion", r.getLong("completion_tokens"));
        d.put("native_tokens_completion_images", 0);
        d.put("native_tokens_reasoning", r.getLong("reasoning_tokens"));
        d.put("native_tokens_cached", r.getLong("cached_tokens"));
        // not in OpenRouter's schema (it folds writes into cache_discount); priced at input_cache_write
        d.put("native_tokens_cache_write", r.getLong("cache_write_tokens"));
        zero(d, "num_media_prompt", "num_input_audio_prompt", "num_media_completion", "num_search_results",
                "num_fetches");
        d.put("origin", r.getString("app_referer") == null ? "" : r.getString("app_referer"));
        d.put("http_referer", r.getString("app_referer"));
        d.put("is_byok", false);
        d.put("api_type", "completions");
        d.put("data_region", "global");
        absent(d, "router", "request_id");
        columns(d, r, "session_id");
        absent(d, "response_cache_source_id");
        // required (nullable) by the SDK's GenerationResponse: no presets or web search here; the end user is
        // the request's `user`; the usage event carries no user agent (UsageEvent has no such field)
        d.put("external_user", r.getString("user_id"));
        absent(d, "preset_id", "user_agent", "web_search_engine");
        d.put("workspace_id", r.getString("account_id"));
        d.put("provider_responses", providerResponses(r.getString("attempts"), mapper));
        // gateway extensions
        columns(d, r, "requested_model", "provider_model", "endpoint_id");
        d.put("ttft", r.getLong("ttft_ms"));
        columns(d, r, "status", "http_status", "error_message", "tokens_estimated", "app_title");
        d.put("attempts", parse(r.getString("attempts"), mapper));
        return d;
    }

    /** Fields that are the row's columns of the same name, as the column's type reads (text, boolean, integer). */
    private static void columns(Map<String, Object> into, Row r, String... names) {
        for (String name : names) {
            into.put(name, r.getValue(name));
        }
    }

    /** Fields the spec requires that the gateway has no notion of: present, null. */
    private static void absent(Map<String, Object> into, String... names) {
        for (String name : names) {
            into.put(name, null);
        }
    }

    /** Counts of things the gateway never serves (media, search, fetches). */
    private static void zero(Map<String, Object> into, String... names) {
        for (String name : names) {
            into.put(name, 0);
        }
    }

    /** The attempts in the spec's ProviderResponse shape. */
    private static ArrayNode providerResponses(String attempts, ObjectMapper mapper) {
        ArrayNode out = mapper.createArrayNode();
        JsonNode list = parse(attempts, mapper);
        if (list != null && list.isArray()) {
            for (JsonNode a : list) {
                // the spec's optional fields may be absent but never null; status is required, nullable
                ObjectNode item = out.addObject();
                text(item, "endpoint_id", a.path("endpoint_id"));
                text(item, "model_permaslug", a.path("model"));
                text(item, "provider_name", a.path("provider"));
                JsonNode status = a.path("status");
                if (status.isIntegralNumber() && status.asInt() > 0) { // 0: no HTTP answer (network error)
                    item.put("status", status.asInt());
                } else {
                    item.putNull("status");
                }
                if (a.path("latency_ms").isNumber()) {
                    item.put("latency", a.path("latency_ms").asLong());
                }
                item.put("is_byok", false);
            }
        }
        return out;
    }

    private static void text(ObjectNode into, String field, JsonNode value) {
        if (value.isTextual()) {
            into.put(field, value.asText());
        }
    }

    private static JsonNode parse(String json, ObjectMapper mapper) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readTree(json);
        } catch (Exception e) {
            return null;
        }
    }
}
