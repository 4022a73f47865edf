package io.llmgateway.routing.ingress.messages;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.canonical.CanonicalRequest;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.keys.KeyCache;
import io.llmgateway.routing.keys.KeyCheck;
import io.llmgateway.routing.usage.Tokens;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;

/**
 * {@code POST /api/v1/messages/count_tokens}: the same key check and translation as a Messages
 * request, counted with the gateway's own tokenizer ({@link Tokens}, cl100k_base) without calling a
 * provider. Nothing is admitted or billed.
 */
@ApplicationScoped
public class CountTokensRoute {

    static final String PATH = "/api/v1/messages/count_tokens";

    private final MessagesFormat format;
    private final KeyCache keys;
    private final RoutingConfig config;

    public CountTokensRoute(MessagesFormat format, KeyCache keys, RoutingConfig config) {
        this.format = format;
        this.keys = keys;
        this.config = config;
    }

    void init(@Observes Router router) {
        router.post(PATH).order(-10).handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
                .handler(this::count)
                .failureHandler(ctx -> format.fail(ctx.response(), ctx.statusCode() == 413
                        ? new GatewayException(413, "Request body too large")
                        : new GatewayException(500, "Internal error; the request was not completed")));
        router.route(PATH).order(-9).handler(ctx -> format.fail(ctx.response(),
                new GatewayException(405, "Method not allowed: use POST", null, Map.of("Allow", "POST"))));
    }

    private void count(RoutingContext ctx) {
        try {
            String keyHash = KeyCache.hash(KeyCheck.credential(ctx.request().headers()));
            Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
            CanonicalRequest request = format.parseForCount(body);
            keys.lookup(keyHash).onComplete(ar -> {
                try {
                    if (ar.failed()) {
                        throw new GatewayException(503, "Key verification unavailable; retry shortly");
                    }
                    KeyCheck.usable(ar.result());
                    ctx.response().putHeader("Content-Type", "application/json").end(Json.buffer(Json.object()
                            .put("input_tokens", Tokens.prompt(request.body()))));
                } catch (GatewayException e) {
                    format.fail(ctx.response(), e);
                }
            });
        } catch (GatewayException e) {
            format.fail(ctx.response(), e);
        }
    }
}
