package io.llmgateway.auth.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.contracts.events.UsageEvent;
import java.io.IOException;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The debit's fields come through exactly; the rest are skipped; a broken entry still fails. */
class DebitFieldsReaderTest {

    // an entry as routing writes it (bench/.work sample), with an exact cost that must not lose a digit
    private static final String ENTRY = """
            {"generation_id":"gen-1796620475-3dpjgqSAeg0CHxNtZSg1","created_at":1796620475,"key_hash":"16b00f","account_id":\
            "9e12b391","requested_model":"openai/gpt-4o-mini","model":"openai/gpt-4o-mini","provider":"openai",\
            "endpoint_id":"openai:openai/gpt-4o-mini","provider_model":"gpt-4o-mini","upstream_id":"chatcmpl-s7sH",\
            "attempts":[{"provider":"openai","endpoint_id":"openai:openai/gpt-4o-mini","model":"openai/gpt-4o-mini",\
            "status":200,"outcome":"success","latency_ms":41}],"prompt_tokens":8,"completion_tokens":16,\
            "cost":0.0000108000000000000001,"cost_micros":11,"latency_ms":44,"status":"success","http_status":200,\
            "finish_reason":"stop","native_finish_reason":"stop","traceparent":"00-853de53e01e4f44facee925cfc28d77a-8e2d19b8a6cf0e47-01"}""";

    private final ObjectMapper mapper = new ObjectMapper();
    private final DebitFieldsReader reader = new DebitFieldsReader(mapper);

    @Test
    void readsWhatADebitNeedsAndSkipsTheRest() throws IOException {
        UsageEvent event = reader.read(ENTRY);
        assertEquals("gen-1796620475-3dpjgqSAeg0CHxNtZSg1", event.generationId());
        assertEquals("9e12b391", event.accountId());
        assertEquals("16b00f", event.keyHash());
        assertEquals(new BigDecimal("0.0000108000000000000001"), event.cost());
        assertEquals(11, event.costMicros());
        assertNull(event.attempts());
        assertNull(event.model());
        assertEquals(0, event.promptTokens());
        assertEquals(mapper.readValue(ENTRY, UsageEvent.class).generationId(), event.generationId());
    }

    @Test
    void aBrokenEntryStillFails() {
        assertThrows(IOException.class, () -> reader.read("{\"generation_id\":\"g\",\"model\":"));
        assertThrows(IOException.class, () -> reader.read("{not json"));
    }
}
