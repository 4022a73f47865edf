package io.llmgateway.routing.redis;

import io.llmgateway.routing.config.RoutingConfig;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Redis for the per-request commands (admission scripts): a small pool per event loop, so the
 * command and its reply stay on the loop that serves the request. The pooled client Quarkus provides
 * opens every connection on one loop, which cost each request two cross-thread hand-offs.
 *
 * <p>Same server as {@code quarkus.redis.hosts}; a cluster or sentinel set-up keeps the shared client.
 * Connections lost to a Redis restart are evicted and reopened by the pool, as with the shared one.
 */
@Singleton
public class LoopRedis {

    private final Redis shared;
    /** Null for cluster or sentinel set-ups, which keep the shared client. */
    private final PerEventLoop<Redis> clients;

    public LoopRedis(Vertx vertx, Redis shared, @ConfigProperty(name = "quarkus.redis.hosts") List<String> hosts,
            @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") String type,
            RoutingConfig config) {
        boolean standalone = RedisClientType.STANDALONE.name().equalsIgnoreCase(type) && hosts.size() == 1;
        RedisOptions options = new RedisOptions().setType(RedisClientType.STANDALONE)
                .setConnectionString(hosts.get(0)).setMaxPoolSize(config.redis().perLoopPoolSize()).setMaxPoolWaiting(4096)
                .setMaxWaitingHandlers(4096);
        this.shared = shared;
        this.clients = standalone ? new PerEventLoop<>(() -> Redis.createClient(vertx, options), shared) : null;
    }

    /** The calling event loop's client (the shared one off the event loops). */
    public Redis current() {
        return clients == null ? shared : clients.current();
    }

    @PreDestroy
    void close() {
        if (clients != null) {
            clients.close(Redis::close);
        }
    }
}
