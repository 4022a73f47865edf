package io.llmgateway.simulator.resource;

import io.llmgateway.simulator.protocol.OpenAiProtocol;
import io.llmgateway.simulator.service.UpstreamService;
import io.llmgateway.simulator.service.UpstreamService.Call;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The provider endpoints as plain Vert.x routes rather than JAX-RS: faults need the raw connection
 * (reset, hang, cut) and the benchmark path wants the least machinery between socket and answer.
 * Gemini's {model}:generateContent is matched with a regex, the colon being part of the segment.
 */
@ApplicationScoped
public class UpstreamRoutes {

    private static final int MAX_BODY = 32 * 1024 * 1024;

    private final UpstreamService upstream;
    private final OpenAiProtocol openai;

    public UpstreamRoutes(UpstreamService upstream, OpenAiProtocol openai) {
        this.upstream = upstream;
        this.openai = openai;
    }

    void register(@Observes Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY);
        router.post("/p/:provider/v1/chat/completions").handler(body)
                .handler(rc -> upstream.handle(rc, new Call(rc.pathParam("provider"), openai, null, false, false)));
        router.post("/p/:provider/v1/completions").handler(body)
                .handler(rc -> upstream.handle(rc, new Call(rc.pathParam("provider"), openai, null, false, true)));
    }
}
