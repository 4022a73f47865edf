package io.llmgateway.routing.usage;

import com.fasterxml.jackson.core.JsonGenerator;
import io.llmgateway.contracts.events.UsageAttempt;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.routing.canonical.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes a {@link UsageEvent} as the JSON its consumers read, field by field, as UTF-8 straight into
 * the buffer the Redis client sends. Jackson's bean serialiser reaches each of the event's 34
 * components by reflection, too slow for an event written on every request.
 *
 * <p>Fields whose value is what a reader assumes when the field is absent (null, a primitive 0 or
 * false) are left out, as {@link UsageEvent} documents; {@code cost} is always written, since
 * consumers reject an event without one: Redis' XADD costs by the byte while the stream grows
 * (docs/benchmarks.md has the sizes and times). UsageEventWriterTest holds this writer equal
 * to Jackson's serialiser without those fields, and the events read back equal to the ones written.
 */
public final class UsageEventWriter {

    private UsageEventWriter() {
    }

    public static Buffer json(UsageEvent e) {
        Buffer out = Buffer.buffer(1024);
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            text(g, "generation_id", e.generationId());
            number(g, "created_at", e.createdAt());
            text(g, "key_hash", e.keyHash());
            text(g, "account_id", e.accountId());
            text(g, "requested_model", e.requestedModel());
            text(g, "model", e.model());
            text(g, "provider", e.provider());
            text(g, "endpoint_id", e.endpointId());
            text(g, "provider_model", e.providerModel());
            text(g, "upstream_id", e.upstreamId());
            if (e.attempts() != null) {
                g.writeArrayFieldStart("attempts");
                for (UsageAttempt a : e.attempts()) {
                    attempt(g, a);
                }
                g.writeEndArray();
            }
            number(g, "prompt_tokens", e.promptTokens());
            number(g, "completion_tokens", e.completionTokens());
            number(g, "reasoning_tokens", e.reasoningTokens());
            number(g, "cached_tokens", e.cachedTokens());
            flag(g, "tokens_estimated", e.tokensEstimated());
            g.writeFieldName("cost");
            if (e.cost() == null) {
                g.writeNull();
            } else {
                g.writeNumber(e.cost());
            }
            number(g, "cost_micros", e.costMicros());
            number(g, "latency_ms", e.latencyMs());
            if (e.ttftMs() != null) {
                g.writeNumberField("ttft_ms", e.ttftMs());
            }
            number(g, "generation_time_ms", e.generationTimeMs());
            flag(g, "streamed", e.streamed());
            flag(g, "cancelled", e.cancelled());
            text(g, "status", e.status());
            number(g, "http_status", e.httpStatus());
            text(g, "finish_reason", e.finishReason());
            text(g, "native_finish_reason", e.nativeFinishReason());
            text(g, "error_message", e.errorMessage());
            text(g, "app_referer", e.appReferer());
            text(g, "app_title", e.appTitle());
            text(g, "traceparent", e.traceparent());
            number(g, "cache_write_tokens", e.cacheWriteTokens());
            text(g, "user", e.user());
            text(g, "session_id", e.sessionId());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out;
    }

    private static void attempt(JsonGenerator g, UsageAttempt a) throws IOException {
        if (a == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        text(g, "provider", a.provider());
        text(g, "endpoint_id", a.endpointId());
        text(g, "model", a.model());
        number(g, "status", a.status());
        text(g, "outcome", a.outcome());
        number(g, "latency_ms", a.latencyMs());
        text(g, "error", a.error());
        g.writeEndObject();
    }

    private static void text(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    private static void number(JsonGenerator g, String name, long value) throws IOException {
        if (value != 0) {
            g.writeNumberField(name, value);
        }
    }

    private static void flag(JsonGenerator g, String name, boolean value) throws IOException {
        if (value) {
            g.writeBooleanField(name, true);
        }
    }
}
