package io.llmgateway.auth.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.auth.stream.UsageConsumer;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageEvent;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The usage stream as routing writes it (entries of a data and a traceparent field) and as auth leaves it. */
@Singleton
public class UsageStream {

    // XADD and a dead consumer's XREADGROUP in one atomic script: the entry lands in that consumer's
    // pending list before the service's own consumer can see it, as if it crashed right after reading.
    private static final String ADD_AND_ABANDON = """
            local id = redis.call('XADD', KEYS[1], '*', 'data', ARGV[1], 'traceparent', '')
            redis.call('XREADGROUP', 'GROUP', 'auth', ARGV[2], 'COUNT', '1000', 'STREAMS', KEYS[1], '>')
            return id""";

    // several entries in one atomic script, so one XREADGROUP reads them as one batch
    private static final String ADD_ALL = """
            local ids = {}
            for i, data in ipairs(ARGV) do
              ids[i] = redis.call('XADD', KEYS[1], '*', 'data', data, 'traceparent', '')
            end
            return ids""";

    @Inject
    RedisDataSource redis;
    @Inject
    RedisKeys keys;
    @Inject
    ObjectMapper mapper;

    public void publish(UsageEvent event) {
        add(json(event));
    }

    /** An entry whose data field is {@code data} as it stands, valid or not; its stream id. */
    public String add(String data) {
        return streams().xadd(keys.usageStream(), Map.of(RedisKeys.DATA_FIELD, data, RedisKeys.TRACEPARENT_FIELD, ""));
    }

    /** The events as one atomic write, read by auth as one batch; their stream ids in order. */
    public List<String> addAtomically(UsageEvent... events) {
        List<String> args = new ArrayList<>(List.of(ADD_ALL, "1", keys.usageStream()));
        for (UsageEvent event : events) {
            args.add(json(event));
        }
        List<String> ids = new ArrayList<>();
        redis.execute("EVAL", args.toArray(String[]::new)).forEach(id -> ids.add(id.toString()));
        return ids;
    }

    /**
     * The event read by a consumer of auth's group that then dies without acknowledging it; null while
     * the service has not created its group yet (for {@link Api#eventually}).
     */
    public Boolean addAndAbandon(UsageEvent event) {
        try {
            redis.execute("EVAL", ADD_AND_ABANDON, "1", keys.usageStream(), json(event),
                    "dead-consumer-" + UUID.randomUUID());
            return true;
        } catch (Exception e) {
            return null;
        }
    }

    /** Entries auth's group has read and not yet acknowledged. */
    public long pending() {
        return streams().xpending(keys.usageStream(), UsageConsumer.GROUP).getPendingCount();
    }

    public long length() {
        return streams().xlen(keys.usageStream());
    }

    public List<StreamMessage<String, String, String>> deadLetters() {
        return streams().xrange(keys.usageDeadLetterStream(), StreamRange.of("-", "+"));
    }

    private StreamCommands<String, String, String> streams() {
        return redis.stream(String.class, String.class, String.class);
    }

    private String json(UsageEvent event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }
}
