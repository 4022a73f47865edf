package io.llmgateway.platform.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.platform.trace.StreamTrace;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.smallrye.mutiny.Uni;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * XADDs change events as JSON to one capped stream, with the current trace, for a producer that
 * publishes after its change committed: a failure is logged to the producer's logger and never thrown,
 * since the change is already durable and the readers refetch on their own schedule.
 */
public final class EventAppender {

    private final ReactiveStreamCommands<String, String, String> streams;
    private final ObjectMapper mapper;
    private final String stream;
    private final long maxlen;
    private final Logger log;

    public EventAppender(ReactiveRedisDataSource redis, ObjectMapper mapper, String stream, long maxlen, Logger log) {
        this.streams = redis.stream(String.class, String.class, String.class);
        this.mapper = mapper;
        this.stream = stream;
        this.maxlen = maxlen;
        this.log = log;
    }

    public String stream() {
        return stream;
    }

    public long maxlen() {
        return maxlen;
    }

    /** The event as JSON, or null (logged, with {@code what} naming it) when it cannot be serialized. */
    public String json(Object event, Supplier<String> what) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            log.errorf("%s not serializable: %s", what.get(), e.getMessage());
            return null;
        }
    }

    /** One XADD; {@code what} names the event in the log line of a failure. */
    public Uni<Void> append(Object event, Supplier<String> what) {
        String json = json(event, what);
        if (json == null) {
            return Uni.createFrom().voidItem();
        }
        Map<String, String> fields = StreamTrace.inject(new HashMap<>(Map.of(RedisKeys.DATA_FIELD, json)));
        return streams.xadd(stream, new XAddArgs().maxlen(maxlen).nearlyExactTrimming(), fields)
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    log.warnf("%s not published: %s", what.get(), failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }
}
