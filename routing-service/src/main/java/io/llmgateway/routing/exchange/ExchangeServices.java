package io.llmgateway.routing.exchange;

import io.llmgateway.routing.admission.PendingSettlements;
import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.upstream.EndpointGuards;
import io.llmgateway.routing.upstream.HttpClients;
import io.llmgateway.routing.upstream.protocol.AnthropicAdapter;
import io.llmgateway.routing.upstream.protocol.GeminiAdapter;
import io.llmgateway.routing.upstream.protocol.OpenAiAdapter;
import io.llmgateway.routing.upstream.protocol.ProviderAdapter;
import io.llmgateway.routing.usage.RequestMeters;
import io.llmgateway.routing.usage.UsageRecorder;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.arc.ClientProxy;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * What an {@link Exchange} and its {@link StreamRelay} use, built once: the upstream protocols by
 * catalog {@code adapter} name, the endpoint guards, the HTTP clients, settlement, usage recording
 * and meters, timers and tracing.
 */
public record ExchangeServices(RoutingConfig config, Vertx vertx, Tracer tracer, Map<String, ProviderAdapter> adapters,
        EndpointGuards guards, HttpClients clients, PendingSettlements settlements, UsageRecorder recorder,
        RequestMeters meters) {

    /** The protocol an endpoint's provider speaks; null when the catalog names one we do not. */
    public ProviderAdapter adapter(String name) {
        return adapters.get(name == null ? "openai" : name);
    }

    @ApplicationScoped
    static class Producer {

        @Produces
        @Singleton
        ExchangeServices services(RoutingConfig config, Vertx vertx, Tracer tracer, OpenAiAdapter openai,
                AnthropicAdapter anthropic, GeminiAdapter gemini, EndpointGuards guards, HttpClients clients,
                PendingSettlements settlements, UsageRecorder recorder, RequestMeters meters) {
            // the injected Tracer is a client proxy that looks its bean up on every call; the bean is
            // application-wide, so the hot path keeps the instance itself
            return new ExchangeServices(config, vertx, ClientProxy.unwrap(tracer),
                    Map.of(openai.name(), openai, anthropic.name(), anthropic, gemini.name(), gemini), guards, clients,
                    settlements, recorder, meters);
        }
    }
}
