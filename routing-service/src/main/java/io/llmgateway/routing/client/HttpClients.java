package io.llmgateway.routing.client;

import io.llmgateway.routing.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The two Vert.x HTTP clients of the service. Vert.x keeps one keep-alive connection pool per
 * host:port inside a client, so each upstream host gets its own pool without per-request setup.
 */
@ApplicationScoped
public class HttpClients {

    private final HttpClient upstream;
    private final HttpClient internal;

    public HttpClients(Vertx vertx, GatewayConfig config) {
        GatewayConfig.Upstream u = config.upstream();
        HttpClientOptions upstreamOptions = new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) u.connectTimeout().toMillis())
                .setKeepAliveTimeout(60)
                .setTrustAll(false)
                .setVerifyHost(true);
        upstream = vertx.createHttpClient(upstreamOptions, new PoolOptions().setHttp1MaxSize(u.poolSize())
                .setMaxWaitQueueSize(-1));
        HttpClientOptions internalOptions = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setConnectTimeout(2000).setKeepAliveTimeout(60);
        internal = vertx.createHttpClient(internalOptions, new PoolOptions().setHttp1MaxSize(64));
    }

    public HttpClient upstream() {
        return upstream;
    }

    public HttpClient internal() {
        return internal;
    }

    @PreDestroy
    void close() {
        upstream.close();
        internal.close();
    }
}
