package io.llmgateway.auth.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.auth.config.GatewayConfig;
import io.llmgateway.contracts.events.KeyEvent;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.TraceParent;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * XADDs key and account changes to the key-events stream, always after the change committed. A Redis
 * failure is logged, not thrown: the change is already durable and routing's cache TTL refetches it.
 */
@ApplicationScoped
public class KeyEventPublisher {

    private static final Logger LOG = Logger.getLogger(KeyEventPublisher.class);

    private final ReactiveStreamCommands<String, String, String> streams;
    private final ObjectMapper mapper;
    private final RedisKeys keys;
    private final long maxlen;

    public KeyEventPublisher(ReactiveRedisDataSource redis, ObjectMapper mapper, RedisKeys keys, GatewayConfig config) {
        this.streams = redis.stream(String.class, String.class, String.class);
        this.mapper = mapper;
        this.keys = keys;
        this.maxlen = config.keyEvents().maxlen();
    }

    public Uni<Void> publish(List<KeyEvent> events) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (KeyEvent event : events) {
            chain = chain.chain(() -> publish(event));
        }
        return chain;
    }

    public Uni<Void> publish(KeyEvent event) {
        String json;
        try {
            json = mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            LOG.errorf("key event %s not serializable: %s", event.type(), e.getMessage());
            return Uni.createFrom().voidItem();
        }
        Map<String, String> fields = Map.of(RedisKeys.DATA_FIELD, json, RedisKeys.TRACEPARENT_FIELD, TraceParent.current());
        return streams.xadd(keys.keyEventsStream(), new XAddArgs().maxlen(maxlen).nearlyExactTrimming(), fields)
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("key event %s for account %s not published: %s", event.type(), event.accountId(),
                            failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }
}
