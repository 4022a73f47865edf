package io.llmgateway.routing.redis;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.routing.config.RoutingConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Every Redis name this service uses comes from this one prefixed {@link RedisKeys}. */
@ApplicationScoped
public class RedisKeysProducer {

    @Produces
    @jakarta.inject.Singleton
    RedisKeys redisKeys(RoutingConfig config) {
        return new RedisKeys(config.redis().prefix().orElse(""));
    }
}
