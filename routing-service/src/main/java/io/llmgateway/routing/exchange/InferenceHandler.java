package io.llmgateway.routing.exchange;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.internal.KeyState;
import io.llmgateway.routing.admission.Admission;
import io.llmgateway.routing.admission.AdmissionLeases;
import io.llmgateway.routing.canonical.AnthropicBeta;
import io.llmgateway.routing.canonical.CanonicalRequest;
import io.llmgateway.routing.canonical.IngressFormat;
import io.llmgateway.routing.canonical.RequestKind;
import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.ingress.chat.ChatRequestParser;
import io.llmgateway.routing.keys.KeyCache;
import io.llmgateway.routing.keys.KeyCheck;
import io.llmgateway.routing.selection.AutoRouter;
import io.llmgateway.routing.selection.Candidate;
import io.llmgateway.routing.selection.Presets;
import io.llmgateway.routing.selection.Pricer;
import io.llmgateway.routing.selection.Selector;
import io.llmgateway.routing.usage.RequestClock;
import io.llmgateway.routing.usage.RequestIdentity;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Entry of one inference request, whatever its format: key check, translation into the canonical
 * request, the account's preset and the auto router when the request names them, selection and admission, then an {@link Exchange} that runs the attempts and writes the
 * answer in the request's format. A request that this event loop's lease of the key covers is
 * admitted at once ({@link AdmissionLeases}); otherwise the exchange runs the admission itself:
 * before its first attempt, or, when the key has ample headroom ({@link Admission#ample}), just
 * after the first attempt went out, so that only its first byte to the client waits for it.
 */
@Singleton
public class InferenceHandler {

    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final KeyCache keyCache;
    private final ChatRequestParser parser;
    private final Presets presets;
    private final AutoRouter autoRouter;
    private final Selector selector;
    private final Admission admission;
    private final AdmissionLeases leases;
    private final RoutingConfig config;
    private final ExchangeServices services;

    public InferenceHandler(KeyCache keyCache, ChatRequestParser parser, Presets presets, AutoRouter autoRouter,
            Selector selector, Admission admission, AdmissionLeases leases, RoutingConfig config,
            ExchangeServices services) {
        this.keyCache = keyCache;
        this.parser = parser;
        this.presets = presets;
        this.autoRouter = autoRouter;
        this.selector = selector;
        this.admission = admission;
        this.leases = leases;
        this.config = config;
        this.services = services;
    }

    public void handle(RoutingContext ctx, IngressFormat format) {
        RequestClock clock = new RequestClock();
        try {
            String keyHash = KeyCache.hash(KeyCheck.credential(ctx.request().headers()));
            Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
            CanonicalRequest parsed = format.parse(body, ctx.request().headers());
            List<String> betas = AnthropicBeta.of(ctx.request().headers());
            CanonicalRequest request = betas.isEmpty() ? parsed : parsed.withAnthropicBeta(betas);
            forgetBody(ctx);
            io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current();
            io.vertx.core.Context own = Vertx.currentContext();
            Thread loop = Thread.currentThread();
            keyCache.lookup(keyHash).onComplete(ar -> {
                // a lookup shared with a request of another event loop completes on that loop: come
                // back, since the exchange, its upstream client and its admission lease belong to ours
                if (Thread.currentThread() != loop && own != null) {
                    own.runOnContext(v -> keyChecked(ctx, format, request, ar, clock, trace));
                } else {
                    keyChecked(ctx, format, request, ar, clock, trace);
                }
            });
        } catch (GatewayException e) {
            format.fail(ctx.response(), e);
        }
    }

    private void keyChecked(RoutingContext ctx, IngressFormat format, CanonicalRequest request,
            AsyncResult<Optional<KeyState>> ar, RequestClock clock, io.opentelemetry.context.Context trace) {
        try {
            if (ar.failed()) {
                throw new GatewayException(503, "Key verification unavailable; retry shortly");
            }
            admit(ctx, format, request, KeyCheck.usable(ar.result()), clock, trace);
        } catch (GatewayException e) {
            format.fail(ctx.response(), e);
        } catch (RuntimeException e) {
            format.fail(ctx.response(), new GatewayException(500, "Internal error; the request was not completed"));
        }
    }

    private void admit(RoutingContext ctx, IngressFormat format, CanonicalRequest asked, KeyState key,
            RequestClock clock, io.opentelemetry.context.Context trace) {
        CanonicalRequest request = asked;
        if (request.kind() == RequestKind.CHAT && Presets.named(request.body())) {
            // presets belong to the key's account: applied once the key is known, then validated again
            request = parser.canonical(presets.apply(request.body(), key.accountId()))
                    .withAnthropicBeta(asked.anthropicBeta());
        }
        request = autoRouter.choose(request);
        List<Candidate> candidates = selector.candidates(request);
        Candidate first = candidates.get(0);
        long reservation = Admission.micros(Pricer.expected(first, request.promptTokenEstimate(), request.maxTokens(),
                config.credits().typicalCompletionTokens()));
        boolean free = Selector.isFreeVariant(first.model().id()) || request.models().stream().anyMatch(Selector::isFreeVariant);
        long tokens = request.promptTokenEstimate() + (request.maxTokens() == null
                ? config.credits().typicalCompletionTokens()
                : Math.min(request.maxTokens(), config.credits().typicalCompletionTokens()));
        BigDecimal balance = keyCache.accountBalance(key);
        RequestIdentity identity = new RequestIdentity(newGenerationId(), System.currentTimeMillis() / 1000, key,
                asked.models().get(0), request.stream(), format.operation(),
                ctx.request().getHeader("HTTP-Referer"), ClientIds.title(ctx.request().headers()),
                ClientIds.user(request.body()), ClientIds.session(request.body(), ctx.request().headers()));
        Admission.Ticket leased = leases.draw(key, balance, free, tokens, reservation);
        Supplier<Future<Admission.Ticket>> admit;
        boolean optimistic;
        if (leased != null) {
            admit = () -> Future.succeededFuture(leased);
            optimistic = false;
        } else {
            optimistic = admission.ample(key, balance, free, tokens, reservation);
            // the exchange turns any failure that is not a GatewayException into 503
            admit = () -> leases.admit(key, balance, free, tokens, reservation);
        }
        new Exchange(services, ctx.response(), format, request, identity, candidates, admit, optimistic, clock, trace)
                .start();
    }

    /**
     * Drops the raw body once it was parsed: the routing context lives as long as the response, so
     * an open stream would keep the body handler's buffer (at least 1 KB, the whole prompt for a
     * long one) for nothing (docs/benchmarks.md, Streams run). vert.x-web has no public way to let
     * it go; its internal setter is the one the body handler itself uses.
     */
    private static void forgetBody(RoutingContext ctx) {
        if (ctx instanceof RoutingContextInternal internal) {
            internal.setBody(null);
        }
    }

    static String newGenerationId() {
        StringBuilder sb = new StringBuilder("gen-").append(System.currentTimeMillis() / 1000).append('-');
        for (int i = 0; i < 20; i++) {
            // an identifier, not a secret: ThreadLocalRandom avoids SecureRandom's lock and syscalls
            sb.append(ALNUM.charAt(ThreadLocalRandom.current().nextInt(ALNUM.length())));
        }
        return sb.toString();
    }
}
