package io.llmgateway.auth.config;

import io.llmgateway.contracts.events.RedisKeys;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Beans the services share: the clock (replaced in tests to move time) and the Redis key names. */
public class AppBeans {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    RedisKeys redisKeys(AuthConfig config) {
        return new RedisKeys(config.redis().prefix().orElse(""));
    }
}
