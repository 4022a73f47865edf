package io.llmgateway.routing.ingress;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.routing.canonical.IngressFormat;
import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.exchange.InferenceHandler;
import io.llmgateway.routing.ingress.chat.ChatFormat;
import io.llmgateway.routing.ingress.completions.CompletionsFormat;
import io.llmgateway.routing.ingress.embeddings.EmbeddingsFormat;
import io.llmgateway.routing.ingress.messages.MessagesFormat;
import io.llmgateway.routing.ingress.responses.ResponsesFormat;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The inference endpoints as plain Vert.x routes, one per ingress format: no JAX-RS layer on the
 * hot path, the body is read once (bounded by {@code gateway.max-body-bytes}) and handed with its
 * format to the {@link InferenceHandler}. Other methods on these paths answer 405.
 */
@ApplicationScoped
public class InferenceRoutes {

    private final InferenceHandler handler;
    private final RoutingConfig config;
    private final Map<String, IngressFormat> formats = new LinkedHashMap<>();

    public InferenceRoutes(InferenceHandler handler, RoutingConfig config, ChatFormat chat,
            CompletionsFormat completions, EmbeddingsFormat embeddings, MessagesFormat messages,
            ResponsesFormat responses) {
        this.handler = handler;
        this.config = config;
        formats.put("/api/v1/chat/completions", chat);
        formats.put("/api/v1/completions", completions);
        formats.put("/api/v1/embeddings", embeddings);
        formats.put("/api/v1/messages", messages);
        formats.put("/api/v1/responses", responses);
    }

    void init(@Observes Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
        formats.forEach((path, format) -> {
            router.post(path).order(-10).handler(body).handler(ctx -> handler.handle(ctx, format))
                    .failureHandler(ctx -> failure(ctx, format));
            // POST is served above; any other method lands here
            router.route(path).order(-9).handler(ctx -> format.fail(ctx.response(),
                    new GatewayException(405, "Method not allowed: use POST", null, Map.of("Allow", "POST"))));
        });
    }

    private static void failure(RoutingContext ctx, IngressFormat format) {
        int status = ctx.statusCode();
        GatewayException e = status == 413
                ? new GatewayException(413, "Request body too large")
                : ctx.failure() instanceof GatewayException ge ? ge
                        : status >= 400 && status < 500 ? new GatewayException(status, "Bad request")
                                : new GatewayException(500, "Internal error; the request was not completed");
        format.fail(ctx.response(), e);
    }
}
