package io.llmgateway.catalog.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.catalog.config.CatalogConfig;
import io.llmgateway.contracts.events.CatalogEvent;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.platform.trace.StreamTrace;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * XADDs a {@link CatalogEvent} after a change committed. A Redis failure is logged, not thrown: the
 * change is durable and routing's periodic snapshot refresh picks it up anyway.
 */
@ApplicationScoped
public class CatalogEventPublisher {

    private static final Logger LOG = Logger.getLogger(CatalogEventPublisher.class);

    private final ReactiveStreamCommands<String, String, String> streams;
    private final ObjectMapper mapper;
    private final RedisKeys keys;
    private final long maxlen;

    public CatalogEventPublisher(ReactiveRedisDataSource redis, ObjectMapper mapper, RedisKeys keys, CatalogConfig config) {
        this.streams = redis.stream(String.class, String.class, String.class);
        this.mapper = mapper;
        this.keys = keys;
        this.maxlen = config.catalog().eventsMaxlen();
    }

    public Uni<Void> publish(CatalogEvent event) {
        String json;
        try {
            json = mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            LOG.errorf("catalog event %s not serializable: %s", event.change(), e.getMessage());
            return Uni.createFrom().voidItem();
        }
        Map<String, String> fields = StreamTrace.inject(new HashMap<>(Map.of(RedisKeys.DATA_FIELD, json)));
        return streams.xadd(keys.catalogEventsStream(), new XAddArgs().maxlen(maxlen).nearlyExactTrimming(), fields)
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("catalog event %s (version %d) not published: %s", event.change(), event.version(),
                            failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }
}
