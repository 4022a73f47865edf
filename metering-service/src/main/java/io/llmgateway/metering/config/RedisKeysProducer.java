package io.llmgateway.metering.config;

import io.llmgateway.contracts.events.RedisKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Every Redis name this service uses comes from this one prefixed {@link RedisKeys}. */
@ApplicationScoped
public class RedisKeysProducer {

    @Produces
    @Singleton
    RedisKeys redisKeys(MeteringConfig config) {
        return new RedisKeys(config.redis().prefix().orElse(""));
    }
}
