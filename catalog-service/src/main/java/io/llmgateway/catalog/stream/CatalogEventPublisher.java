package io.llmgateway.catalog.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.catalog.config.CatalogConfig;
import io.llmgateway.contracts.events.CatalogEvent;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.platform.stream.EventAppender;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * XADDs a {@link CatalogEvent} after a change committed. A Redis failure is logged, not thrown: the
 * change is durable and routing's periodic snapshot refresh picks it up anyway.
 */
@ApplicationScoped
public class CatalogEventPublisher {

    private final EventAppender appender;

    public CatalogEventPublisher(ReactiveRedisDataSource redis, ObjectMapper mapper, RedisKeys keys, CatalogConfig config) {
        this.appender = new EventAppender(redis, mapper, keys.catalogEventsStream(), config.catalog().eventsMaxlen(),
                Logger.getLogger(CatalogEventPublisher.class));
    }

    public Uni<Void> publish(CatalogEvent event) {
        return appender.append(event, () -> "catalog event " + event.change() + " (version " + event.version() + ")");
    }
}
