package io.llmgateway.simulator.resource;

import io.llmgateway.simulator.protocol.AnthropicProtocol;
import io.llmgateway.simulator.protocol.GeminiEmbeddings;
import io.llmgateway.simulator.protocol.GeminiProtocol;
import io.llmgateway.simulator.protocol.OpenAiEmbeddings;
import io.llmgateway.simulator.protocol.OpenAiProtocol;
import io.llmgateway.simulator.service.UpstreamService;
import io.llmgateway.simulator.service.UpstreamService.Call;
import io.llmgateway.simulator.service.UpstreamService.EmbeddingCall;
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

    /**
     * Gemini: /p/{provider}/v1beta/models/{model}:generateContent or :streamGenerateContent (?alt=sse).
     * Vert.x matches the raw path, so the colon is also accepted percent-encoded (some clients encode it).
     */
    static final String GEMINI_PATH = "/p/(?<provider>[^/]+)/v1(?:beta)?/models/(?<model>[^/]+?)(?::|%3[Aa])"
            + "(?<method>generateContent|streamGenerateContent)";
    /** Gemini embeddings: /p/{provider}/v1beta/models/{model}:embedContent or :batchEmbedContents. */
    static final String GEMINI_EMBED_PATH = "/p/(?<provider>[^/]+)/v1(?:beta)?/models/(?<model>[^/]+?)(?::|%3[Aa])"
            + "(?<method>embedContent|batchEmbedContents)";

    private final UpstreamService upstream;
    private final OpenAiProtocol openai;
    private final AnthropicProtocol anthropic;
    private final GeminiProtocol gemini;
    private final OpenAiEmbeddings openaiEmbeddings;
    private final GeminiEmbeddings geminiEmbeddings;

    public UpstreamRoutes(UpstreamService upstream, OpenAiProtocol openai, AnthropicProtocol anthropic,
            GeminiProtocol gemini, OpenAiEmbeddings openaiEmbeddings, GeminiEmbeddings geminiEmbeddings) {
        this.upstream = upstream;
        this.openai = openai;
        this.anthropic = anthropic;
        this.gemini = gemini;
        this.openaiEmbeddings = openaiEmbeddings;
        this.geminiEmbeddings = geminiEmbeddings;
    }

    void register(@Observes Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY);
        router.post("/p/:provider/v1/chat/completions").handler(body)
                .handler(rc -> upstream.handle(rc, new Call(rc.pathParam("provider"), openai, null, false, false)));
        router.post("/p/:provider/v1/completions").handler(body)
                .handler(rc -> upstream.handle(rc, new Call(rc.pathParam("provider"), openai, null, false, true)));
        router.post("/p/:provider/v1/messages").handler(body)
                .handler(rc -> upstream.handle(rc, new Call(rc.pathParam("provider"), anthropic, null, false, false)));
        router.postWithRegex(GEMINI_PATH).handler(body).handler(rc -> upstream.handle(rc,
                new Call(rc.pathParam("provider"), gemini, rc.pathParam("model"),
                        rc.pathParam("method").equals("streamGenerateContent"), false)));
        router.post("/p/:provider/v1/embeddings").handler(body).handler(rc -> upstream.handleEmbeddings(rc,
                new EmbeddingCall(rc.pathParam("provider"), openaiEmbeddings, openai, null, false)));
        router.postWithRegex(GEMINI_EMBED_PATH).handler(body).handler(rc -> upstream.handleEmbeddings(rc,
                new EmbeddingCall(rc.pathParam("provider"), geminiEmbeddings, gemini, rc.pathParam("model"),
                        rc.pathParam("method").equals("batchEmbedContents"))));
    }
}
