package io.llmgateway.routing.ingress;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.internal.KeyState;
import io.llmgateway.routing.canonical.IngressFormat;
import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.keys.KeyCache;
import io.llmgateway.routing.keys.KeyCheck;
import io.llmgateway.routing.upstream.HttpClients;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * One base URL for the whole public API: the rest of {@code /api/v1} (and the dashboard) is
 * streamed through to the owning service, headers (Authorization included) and bodies untouched.
 * {@code /internal/*} and {@code /admin/*} are never proxied. Presets are owned by catalog, which
 * checks no keys: routing verifies the management key and tells catalog the key's account in
 * {@value #ACCOUNT_HEADER} (a client's own copy of that header is never forwarded anywhere).
 */
@ApplicationScoped
public class ProxyRoutes {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host");

    static final String ACCOUNT_HEADER = "X-Gateway-Account-Id";

    private final HttpClients clients;
    private final RoutingConfig config;
    private final KeyCache keys;

    public ProxyRoutes(HttpClients clients, RoutingConfig config, KeyCache keys) {
        this.clients = clients;
        this.config = config;
        this.keys = keys;
    }

    void init(@Observes Router router) {
        String catalog = config.catalog().url();
        String auth = config.auth().url();
        String metering = config.metering().url();
        routes(router, catalog, "/api/v1/models", "/api/v1/models/*", "/api/v1/providers", "/api/v1/embeddings/models",
                "/api/v1/model/*");
        for (String presets : new String[] { "/api/v1/presets", "/api/v1/presets/*" }) {
            router.route(presets).order(-5).handler(ctx -> asAccount(ctx, catalog));
        }
        routes(router, auth, "/api/v1/key", "/api/v1/keys", "/api/v1/keys/*", "/api/v1/credits", "/api/v1/credits/*");
        // the older name of /key that third-party tools still call
        router.route("/api/v1/auth/key").order(-5).handler(ctx -> proxy(ctx, auth, "/api/v1/key", null));
        routes(router, metering, "/api/v1/generation", "/api/v1/generations", "/api/v1/activity", "/api/v1/usage",
                "/api/v1/usage/*", "/dashboard", "/dashboard/*", "/dashboard-assets/*", "/webjars/*");
        // anything else under the public prefix: the envelope, not an HTML page
        router.route("/api/v1/*").last().handler(ctx -> IngressFormat.envelope(ctx.response(), GatewayException.notFound(
                "No such endpoint: " + ctx.request().method() + " " + ctx.request().path())));
    }

    /** The paths a service owns, proxied to it as they are. */
    private void routes(Router router, String target, String... paths) {
        for (String path : paths) {
            router.route(path).order(-5).handler(ctx -> proxy(ctx, target, null, null));
        }
    }

    /** Proxies a management-key request with the key's account, after checking the key. */
    private void asAccount(RoutingContext ctx, String target) {
        ctx.request().pause();
        String hash;
        try {
            hash = KeyCache.hash(KeyCheck.credential(ctx.request().headers()));
        } catch (GatewayException e) {
            IngressFormat.envelope(ctx.response(), e);
            return;
        }
        keys.lookup(hash).onComplete(ar -> {
            Optional<KeyState> key = ar.succeeded() ? ar.result() : Optional.empty();
            if (ar.failed()) {
                unavailable(ctx);
            } else if (key.isEmpty() || key.get().disabled() || key.get().isExpired(Instant.now())) {
                IngressFormat.envelope(ctx.response(), GatewayException.unauthorized("Invalid API key"));
            } else if (!key.get().isManagement()) {
                IngressFormat.envelope(ctx.response(),
                        GatewayException.forbidden("Presets are managed with a management key"));
            } else {
                proxy(ctx, target, null, key.get().accountId());
            }
        });
    }

    /**
     * Streams the request to {@code target}, at {@code path} instead of its own when given, with the
     * account header when given.
     */
    private void proxy(RoutingContext ctx, String target, String path, String accountId) {
        HttpServerRequest in = ctx.request();
        if (in.path().contains("/internal/") || in.path().contains("/admin/") || in.path().contains("..")) {
            IngressFormat.envelope(ctx.response(), GatewayException.notFound("Not found"));
            return;
        }
        in.pause();
        String uri = path == null ? in.uri() : path + (in.query() == null ? "" : "?" + in.query());
        RequestOptions options = new RequestOptions().setMethod(in.method()).setAbsoluteURI(target + uri)
                .setTimeout(60_000);
        in.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase()) && !h.getKey().equalsIgnoreCase(ACCOUNT_HEADER)) {
                options.addHeader(h.getKey(), h.getValue());
            }
        });
        if (accountId != null) {
            options.putHeader(ACCOUNT_HEADER, accountId);
        }
        clients.internal().request(options).onFailure(e -> unavailable(ctx)).onSuccess(out -> {
            out.send(in).onFailure(e -> unavailable(ctx)).onSuccess(resp -> {
                ctx.response().setStatusCode(resp.statusCode());
                resp.headers().forEach(h -> {
                    if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) {
                        ctx.response().headers().add(h.getKey(), h.getValue());
                    }
                });
                if (resp.getHeader("content-length") == null) {
                    ctx.response().setChunked(true);
                }
                resp.pipeTo(ctx.response());
            });
        });
    }

    private static void unavailable(RoutingContext ctx) {
        IngressFormat.envelope(ctx.response(), new GatewayException(503, "Upstream service unavailable; retry shortly"));
    }
}
