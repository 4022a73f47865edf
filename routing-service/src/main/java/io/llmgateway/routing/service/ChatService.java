package io.llmgateway.routing.service;

import io.llmgateway.contracts.error.ErrorEnvelope;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.internal.KeyState;
import io.llmgateway.routing.adapter.AnthropicAdapter;
import io.llmgateway.routing.adapter.GeminiAdapter;
import io.llmgateway.routing.adapter.Json;
import io.llmgateway.routing.adapter.OpenAiAdapter;
import io.llmgateway.routing.adapter.ProviderAdapter;
import io.llmgateway.routing.client.HttpClients;
import io.llmgateway.routing.config.GatewayConfig;
import io.llmgateway.routing.model.Candidate;
import io.llmgateway.routing.model.ChatRequest;
import io.llmgateway.routing.stream.UsagePublisher;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.arc.ClientProxy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Entry point of one chat/completions request: key check, parsing, selection and admission, then
 * hands over to an {@link Exchange} that runs the attempts and writes the answer. A request that this
 * event loop's lease of the key covers is admitted at once ({@link AdmissionLeases}); otherwise the
 * exchange runs the admission itself: before its first attempt, or, when the key has ample headroom
 * ({@link Admission#ample}), just after the first attempt went out, so that only its first byte to
 * the client waits for it.
 */
@Singleton
public class ChatService {

    final RequestParser parser;
    final KeyCache keyCache;
    final Selector selector;
    final Admission admission;
    final AdmissionLeases leases;
    final EndpointHealth health;
    final HttpClients clients;
    final UsagePublisher usage;
    final GatewayConfig config;
    final Vertx vertx;
    final Tracer tracer;
    final Map<String, ProviderAdapter> adapters;
    final PendingSettlements settlements;
    final RequestMeters meters;

    public ChatService(RequestParser parser, KeyCache keyCache, Selector selector, Admission admission,
            AdmissionLeases leases, EndpointHealth health, HttpClients clients, UsagePublisher usage, GatewayConfig config, Vertx vertx,
            Tracer tracer, OpenAiAdapter openai, AnthropicAdapter anthropic, GeminiAdapter gemini,
            PendingSettlements settlements, RequestMeters meters) {
        this.settlements = settlements;
        this.meters = meters;
        this.parser = parser;
        this.keyCache = keyCache;
        this.selector = selector;
        this.admission = admission;
        this.leases = leases;
        this.health = health;
        this.clients = clients;
        this.usage = usage;
        this.config = config;
        this.vertx = vertx;
        // the injected Tracer is a client proxy that looks its bean up on every call; the bean is
        // application-wide, so the hot path keeps the instance itself
        this.tracer = ClientProxy.unwrap(tracer);
        this.adapters = Map.of(openai.name(), openai, anthropic.name(), anthropic, gemini.name(), gemini);
    }

    public void handle(RoutingContext ctx, boolean legacy) {
        long started = System.nanoTime();
        try {
            String auth = ctx.request().getHeader("Authorization");
            if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7) || auth.length() <= 7) {
                throw GatewayException.unauthorized("Missing API key: send 'Authorization: Bearer <key>'");
            }
            String keyHash = KeyCache.hash(auth.substring(7).trim());
            ChatRequest request = parser.parse(ctx.body().buffer() == null ? io.vertx.core.buffer.Buffer.buffer()
                    : ctx.body().buffer(), legacy);
            io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current();
            io.vertx.core.Context own = Vertx.currentContext();
            Thread loop = Thread.currentThread();
            keyCache.lookup(keyHash).onComplete(ar -> {
                // a lookup shared with a request of another event loop completes on that loop: come
                // back, since the exchange, its upstream client and its admission lease belong to ours
                if (Thread.currentThread() != loop && own != null) {
                    own.runOnContext(v -> keyChecked(ctx, request, ar, started, trace));
                } else {
                    keyChecked(ctx, request, ar, started, trace);
                }
            });
        } catch (GatewayException e) {
            fail(ctx, e);
        }
    }

    private static KeyState check(Optional<KeyState> found) {
        KeyState key = found.orElseThrow(() -> GatewayException.unauthorized("Invalid API key"));
        if (key.disabled()) {
            throw GatewayException.unauthorized("API key is disabled");
        }
        if (key.isExpired(java.time.Instant.now())) {
            throw GatewayException.unauthorized("API key has expired");
        }
        if (key.isManagement()) {
            throw GatewayException.forbidden("Management keys cannot be used for inference; use an inference key");
        }
        return key;
    }

    private void keyChecked(RoutingContext ctx, ChatRequest request, io.vertx.core.AsyncResult<Optional<KeyState>> ar,
            long started, io.opentelemetry.context.Context trace) {
        try {
            if (ar.failed()) {
                throw new GatewayException(503, "Key verification unavailable; retry shortly");
            }
            admit(ctx, request, check(ar.result()), started, trace);
        } catch (GatewayException e) {
            fail(ctx, e);
        } catch (RuntimeException e) {
            fail(ctx, new GatewayException(500, "Internal error; the request was not completed"));
        }
    }

    private void admit(RoutingContext ctx, ChatRequest request, KeyState key, long started,
            io.opentelemetry.context.Context trace) {
        List<Candidate> candidates = selector.candidates(request);
        Candidate first = candidates.get(0);
        long reservation = Admission.micros(Pricer.expected(first, request.promptTokenEstimate(), request.maxTokens(),
                config.credits().typicalCompletionTokens()));
        boolean free = Selector.isFreeVariant(first.model().id()) || request.models().stream().anyMatch(Selector::isFreeVariant);
        long tokens = request.promptTokenEstimate() + (request.maxTokens() == null
                ? config.credits().typicalCompletionTokens()
                : Math.min(request.maxTokens(), config.credits().typicalCompletionTokens()));
        BigDecimal balance = keyCache.accountBalance(key);
        Admission.Ticket leased = leases.draw(key, balance, free, tokens, reservation);
        if (leased != null) {
            new Exchange(this, ctx, request, key, candidates, () -> Future.succeededFuture(leased), false, started, trace)
                    .start();
            return;
        }
        boolean optimistic = admission.ample(key, balance, free, tokens, reservation);
        // Exchange.admitted turns any failure that is not a GatewayException into 503
        Supplier<Future<Admission.Ticket>> admit = () -> leases.admit(key, balance, free, tokens, reservation);
        new Exchange(this, ctx, request, key, candidates, admit, optimistic, started, trace).start();
    }

    public static void fail(RoutingContext ctx, GatewayException e) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        if (ctx.response().headWritten()) {
            ctx.response().end();
            return;
        }
        ctx.response().setStatusCode(e.status());
        e.headers().forEach(ctx.response()::putHeader);
        ctx.response().putHeader("Content-Type", "application/json");
        ctx.response().end(Json.buffer(Json.MAPPER.valueToTree(ErrorEnvelope.of(e.status(), e.getMessage(), e.metadata()))));
    }
}
