package io.llmgateway.catalog.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.contracts.events.CatalogEvent;
import io.llmgateway.contracts.events.RedisKeys;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.function.Predicate;

/** The catalog-events stream as routing reads it: what the catalog announced of its committed changes. */
@Singleton
public class CatalogEventStream {

    @Inject
    RedisDataSource redis;
    @Inject
    RedisKeys keys;
    @Inject
    ObjectMapper mapper;

    public String key() {
        return keys.catalogEventsStream();
    }

    /** Every event on the stream, oldest first, checking each was published with a traceparent field. */
    public List<CatalogEvent> all() {
        return redis.stream(String.class).xrange(keys.catalogEventsStream(), StreamRange.of("-", "+")).stream()
                .map(entry -> {
                    if (!entry.payload().containsKey(RedisKeys.TRACEPARENT_FIELD)) {
                        throw new AssertionError("a catalog event without its traceparent field: " + entry.payload());
                    }
                    try {
                        return mapper.readValue(entry.payload().get(RedisKeys.DATA_FIELD), CatalogEvent.class);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }).toList();
    }

    /** How many events on the stream match. */
    public long count(Predicate<CatalogEvent> which) {
        return all().stream().filter(which).count();
    }
}
