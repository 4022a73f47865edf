package io.llmgateway.routing.upstream;

import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.redis.PerEventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/**
 * The Vert.x HTTP clients of the service. Vert.x keeps one keep-alive connection pool per host:port
 * inside a client, so each upstream host gets its own pool without per-request setup. Upstream calls
 * use one client per event loop ({@link PerEventLoop}): a request's upstream connection lives on the
 * loop that read the request, so its bytes never cross threads.
 */
@Singleton
public class HttpClients {

    private final PerEventLoop<HttpClient> upstream;
    private final HttpClient internal;

    public HttpClients(Vertx vertx, RoutingConfig config) {
        RoutingConfig.Upstream u = config.upstream();
        HttpClientOptions upstreamOptions = new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) u.connectTimeout().toMillis())
                .setKeepAliveTimeout(60)
                .setTrustAll(false)
                .setVerifyHost(true);
        if (u.http2()) {
            // a stream paused for a slow client keeps its unread bytes in the connection's window: a
            // large one keeps it from stalling the other streams on the same connection
            upstreamOptions.setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true).setHttp2ClearTextUpgrade(false)
                    .setHttp2KeepAliveTimeout(60).setHttp2ConnectionWindowSize(32 * 1024 * 1024);
        }
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(u.poolSize()).setHttp2MaxSize(u.poolSize())
                .setMaxWaitQueueSize(-1);
        upstream = new PerEventLoop<>(() -> vertx.createHttpClient(upstreamOptions, pool),
                vertx.createHttpClient(upstreamOptions, pool));
        HttpClientOptions internalOptions = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setConnectTimeout(2000).setKeepAliveTimeout(60);
        internal = vertx.createHttpClient(internalOptions, new PoolOptions().setHttp1MaxSize(64));
    }

    /** The upstream client of the calling event loop. */
    public HttpClient upstream() {
        return upstream.current();
    }

    public HttpClient internal() {
        return internal;
    }

    @PreDestroy
    void close() {
        upstream.close(HttpClient::close);
        upstream.shared().close();
        internal.close();
    }
}
