package io.llmgateway.catalog.config;

import io.llmgateway.contracts.events.RedisKeys;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Beans shared by the service: the Redis key names with this run's prefix. */
public class AppBeans {

    @Produces
    @Singleton
    RedisKeys redisKeys(CatalogConfig config) {
        return new RedisKeys(config.redis().prefix().orElse(""));
    }
}
