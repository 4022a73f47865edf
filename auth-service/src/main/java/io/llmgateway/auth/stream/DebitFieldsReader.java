package io.llmgateway.auth.stream;

import com.fasterxml.jackson.annotation.JsonIncludeProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.llmgateway.contracts.events.UsageEvent;
import java.io.IOException;

/**
 * Reads from a usage event's JSON only what a debit needs (generation, account, key, cost); every other field
 * is skipped by the parser without being built, and reads as null, 0 or false. Settling every request of the
 * gateway, auth parsed about 30 fields and the attempts list per event only to drop them (docs/benchmarks.md,
 * "Whole product"). A debit that ever needs another field must add it here.
 */
public final class DebitFieldsReader {

    @JsonIncludeProperties({"generation_id", "account_id", "key_hash", "cost", "cost_micros"})
    private abstract static class DebitFields {
    }

    private final ObjectReader reader;

    public DebitFieldsReader(ObjectMapper mapper) {
        this.reader = mapper.copy().addMixIn(UsageEvent.class, DebitFields.class).readerFor(UsageEvent.class);
    }

    public UsageEvent read(String json) throws IOException {
        return reader.readValue(json);
    }
}
