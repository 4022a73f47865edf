package io.llmgateway.routing.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.events.UsageAttempt;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.routing.canonical.Json;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hand-written writer says what Jackson's serialiser of the record says, for every field, except
 * the fields a reader defaults (null, a primitive 0 or false), which it leaves out; and consumers read
 * back the event that was written.
 */
class UsageEventWriterTest {

    private static void sameAsJackson(UsageEvent event) throws Exception {
        // both read back the same way, decimals exactly, so only what was written can differ
        ObjectReader exact = Json.MAPPER.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        JsonNode expected = withoutDefaults(exact.readTree(Json.MAPPER.writeValueAsString(event)));
        JsonNode written = exact.readTree(UsageEventWriter.json(event).getBytes());
        assertEquals(expected, written);
        // and what the consumers read back is the same event
        assertEquals(event, Json.MAPPER.readValue(UsageEventWriter.json(event).getBytes(), UsageEvent.class));
    }

    /**
     * Jackson's tree without the fields the writer leaves out; {@code cost} stays, even null, and so
     * does a zero {@code ttft_ms} (a boxed Long: an absent one reads as null, not 0).
     */
    private static JsonNode withoutDefaults(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().removeIf(f -> !f.getKey().equals("cost") && (f.getValue().isNull()
                    || !f.getKey().equals("ttft_ms") && f.getValue().isIntegralNumber() && f.getValue().asLong() == 0
                    || f.getValue().isBoolean() && !f.getValue().asBoolean()));
            object.forEach(UsageEventWriterTest::withoutDefaults);
        } else if (node.isArray()) {
            node.forEach(UsageEventWriterTest::withoutDefaults);
        }
        return node;
    }

    @Test
    void defaultsAreLeftOutAndReadBackAsDefaults() throws Exception {
        UsageEvent typical = new UsageEvent("gen-4", 1795565156L, "h", "a", "m", "m", "p", "e", "pm", null,
                List.of(new UsageAttempt("p", "e", "m", 200, "success", 0, null)), 8, 16, 0, 0, false,
                BigDecimal.ZERO, 0, 3, null, 0, false, false, UsageEvent.STATUS_SUCCESS, 200, "stop", "stop", null, null,
                null, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        String written = UsageEventWriter.json(typical).toString();
        for (String absent : List.of("upstream_id", "reasoning_tokens", "cached_tokens", "tokens_estimated", "cost_micros",
                "ttft_ms", "generation_time_ms", "streamed", "cancelled", "error_message", "app_referer", "app_title",
                "\"user\"", "session_id", "\"error\"")) {
            assertFalse(written.contains(absent), absent + " left out: " + written);
        }
        assertTrue(written.contains("\"cost\":0"), "a zero cost is still written: " + written);
        sameAsJackson(typical);
    }

    @Test
    void everyFieldSetIsWrittenAsJacksonWritesIt() throws Exception {
        UsageEvent full = new UsageEvent("gen-1795565156-abcdefghijklmnopqrst", 1795565156L, "hash", "acct-1",
                "openai/gpt-4o-mini", "openai/gpt-4o-mini", "OpenAI", "ep-openai", "gpt-4o-mini", "chatcmpl-1",
                List.of(new UsageAttempt("Alpha", "ep-alpha", "m", 503, "error", 12, "HTTP 503: \"busy\"\n"),
                        new UsageAttempt("OpenAI", "ep-openai", "m", 200, "success", 40, null)),
                120, 16, 3, 64, true, new BigDecimal("0.000012345678"), 13, 57, 21L, 33, true, true,
                UsageEvent.STATUS_CANCELLED, 499, "stop", "end_turn", "client went away \u00e9\u4e2d",
                "https://example.com/app", "My \"App\"", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                48, "end-user-42", "session \"7\"");
        // a new record component that this writer forgets makes the trees differ: every one is set here
        assertEquals(34, UsageEvent.class.getRecordComponents().length,
                "UsageEvent changed: write the new component in UsageEventWriter and set it here: "
                        + Arrays.toString(UsageEvent.class.getRecordComponents()));
        sameAsJackson(full);
    }

    @Test
    void nullsAndLargeValuesToo() throws Exception {
        sameAsJackson(new UsageEvent("gen-2", 0, null, null, null, null, null, null, null, null, null, 0, 0, 0, 0,
                false, null, 0, 0, null, 0, false, false, UsageEvent.STATUS_ERROR, 502, null, null, null, null, null,
                null));
        sameAsJackson(new UsageEvent("gen-3", Long.MAX_VALUE, "h", "a", "m", "m", "p", "e", "pm", "u", List.of(),
                Long.MAX_VALUE, 1, 0, 0, false, new BigDecimal("123456789.123456789012"), Long.MAX_VALUE, 1, 0L, 1,
                false, false, UsageEvent.STATUS_SUCCESS, 200, "length", "max_tokens", null, null, null, null));
    }
}
