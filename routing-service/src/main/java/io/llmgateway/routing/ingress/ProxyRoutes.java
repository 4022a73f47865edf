package io.llmgateway.routing.ingress;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.canonical.IngressFormat;
import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.upstream.HttpClients;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;

/**
 * One base URL for the whole public API: the rest of {@code /api/v1} (and the dashboard) is
 * streamed through to the owning service, headers (Authorization included) and bodies untouched.
 * {@code /internal/*} and {@code /admin/*} are never proxied.
 */
@ApplicationScoped
public class ProxyRoutes {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host");

    private final HttpClients clients;
    private final RoutingConfig config;

    public ProxyRoutes(HttpClients clients, RoutingConfig config) {
        this.clients = clients;
        this.config = config;
    }

    void init(@Observes Router router) {
        String catalog = config.catalog().url();
        String auth = config.auth().url();
        String metering = config.metering().url();
        route(router, "/api/v1/models", catalog);
        route(router, "/api/v1/models/*", catalog);
        route(router, "/api/v1/providers", catalog);
        route(router, "/api/v1/embeddings/models", catalog);
        route(router, "/api/v1/key", auth);
        route(router, "/api/v1/keys", auth);
        route(router, "/api/v1/keys/*", auth);
        route(router, "/api/v1/credits", auth);
        route(router, "/api/v1/credits/*", auth);
        route(router, "/api/v1/generation", metering);
        route(router, "/api/v1/generations", metering);
        route(router, "/api/v1/activity", metering);
        route(router, "/api/v1/usage", metering);
        route(router, "/api/v1/usage/*", metering);
        route(router, "/dashboard", metering);
        route(router, "/dashboard/*", metering);
        route(router, "/dashboard-assets/*", metering);
        route(router, "/webjars/*", metering);
        // anything else under the public prefix: the envelope, not an HTML page
        router.route("/api/v1/*").last().handler(ctx -> IngressFormat.envelope(ctx.response(), GatewayException.notFound(
                "No such endpoint: " + ctx.request().method() + " " + ctx.request().path())));
    }

    private void route(Router router, String path, String target) {
        router.route(path).order(-5).handler(ctx -> proxy(ctx, target));
    }

    private void proxy(RoutingContext ctx, String target) {
        HttpServerRequest in = ctx.request();
        if (in.path().contains("/internal/") || in.path().contains("/admin/") || in.path().contains("..")) {
            IngressFormat.envelope(ctx.response(), GatewayException.notFound("Not found"));
            return;
        }
        in.pause();
        RequestOptions options = new RequestOptions().setMethod(in.method()).setAbsoluteURI(target + in.uri())
                .setTimeout(60_000);
        in.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) {
                options.addHeader(h.getKey(), h.getValue());
            }
        });
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
