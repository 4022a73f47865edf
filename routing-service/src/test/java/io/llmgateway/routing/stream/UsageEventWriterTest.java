package io.llmgateway.routing.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.llmgateway.contracts.events.UsageAttempt;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.routing.adapter.Json;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written writer says exactly what Jackson's serialiser of the record says, for every field. */
class UsageEventWriterTest {

    private static void sameAsJackson(UsageEvent event) throws Exception {
        // both read back the same way, decimals exactly, so only what was written can differ
        ObjectReader exact = Json.MAPPER.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        JsonNode expected = exact.readTree(Json.MAPPER.writeValueAsString(event));
        JsonNode written = exact.readTree(UsageEventWriter.json(event).getBytes());
        assertEquals(expected, written);
        // and what the consumers read back is the same event
        assertEquals(event, Json.MAPPER.readValue(UsageEventWriter.json(event).getBytes(), UsageEvent.class));
    }

    @Test
    void everyFieldSetIsWrittenAsJacksonWritesIt() throws Exception {
        UsageEvent full = new UsageEvent("gen-1795565156-abcdefghijklmnopqrst", 1795565156L, "hash", "acct-1",
                "openai/gpt-4o-mini", "openai/gpt-4o-mini", "OpenAI", "ep-openai", "gpt-4o-mini", "chatcmpl-1",
                List.of(new UsageAttempt("Alpha", "ep-alpha", "m", 503, "error", 12, "HTTP 503: \"busy\"\n"),
                        new UsageAttempt("OpenAI", "ep-openai", "m", 200, "success", 40, null)),
                120, 16, 3, 64, true, new BigDecimal("0.000012345678"), 13, 57, 21L, 33, true, true,
                UsageEvent.STATUS_CANCELLED, 499, "stop", "end_turn", "client went away \u00e9\u4e2d",
                "https://example.com/app", "My \"App\"", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        // a new record component that this writer forgets makes the trees differ: every one is set here
        assertEquals(31, UsageEvent.class.getRecordComponents().length,
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
