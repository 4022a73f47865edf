package io.llmgateway.routing.config;

import io.llmgateway.contracts.events.RedisKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Every Redis name this service uses comes from this one prefixed {@link RedisKeys}. */
@ApplicationScoped
public class RedisKeysProducer {

    @Produces
    @jakarta.inject.Singleton
    RedisKeys redisKeys(GatewayConfig config) {
        return new RedisKeys(config.redis().prefix().orElse(""));
    }
}
