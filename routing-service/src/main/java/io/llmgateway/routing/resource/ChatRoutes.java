package io.llmgateway.routing.resource;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.config.GatewayConfig;
import io.llmgateway.routing.service.ChatService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The two inference endpoints as plain Vert.x routes: no JAX-RS layer on the hot path, the body is
 * read once (bounded by {@code gateway.max-body-bytes}) and handed to {@link ChatService}.
 */
@ApplicationScoped
public class ChatRoutes {

    private final ChatService chat;
    private final GatewayConfig config;

    public ChatRoutes(ChatService chat, GatewayConfig config) {
        this.chat = chat;
        this.config = config;
    }

    void init(@Observes Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
        router.post("/api/v1/chat/completions").order(-10).handler(body).handler(ctx -> chat.handle(ctx, false))
                .failureHandler(ChatRoutes::failure);
        router.post("/api/v1/completions").order(-10).handler(body).handler(ctx -> chat.handle(ctx, true))
                .failureHandler(ChatRoutes::failure);
    }

    private static void failure(io.vertx.ext.web.RoutingContext ctx) {
        int status = ctx.statusCode();
        GatewayException e = status == 413
                ? new GatewayException(413, "Request body too large")
                : ctx.failure() instanceof GatewayException ge ? ge
                        : status >= 400 && status < 500 ? new GatewayException(status, "Bad request")
                                : new GatewayException(500, "Internal error; the request was not completed");
        ChatService.fail(ctx, e);
    }
}
