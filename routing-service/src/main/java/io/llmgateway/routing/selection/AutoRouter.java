package io.llmgateway.routing.selection;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.internal.CatalogSnapshot;
import io.llmgateway.contracts.internal.Pricing;
import io.llmgateway.routing.canonical.CanonicalRequest;
import io.llmgateway.routing.canonical.ProviderPreferences;
import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.upstream.EndpointGuards;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code openrouter/auto} (and {@code auto}) and {@code openrouter/free}: a model chosen per request
 * by a fixed, documented rule, with no model call. Among the pool ({@code gateway.auto-router.models};
 * for {@code free}, every model with a zero-priced endpoint), the models that meet what the request
 * needs — tools, structured outputs, images, files, reasoning, a context that holds the prompt, the
 * caller's {@code max_price} — on at least one healthy endpoint; of those, the one whose cheapest such
 * endpoint costs least (prompt + completion price per token), ties by pool order. The chosen model
 * then goes through selection like any other, and answers and generation records carry its id.
 */
@Singleton
public class AutoRouter {

    private static final Set<String> AUTO = Set.of("openrouter/auto", "auto");
    private static final String FREE = "openrouter/free";

    private final CatalogCache catalog;
    private final EndpointGuards guards;
    private final RoutingConfig config;

    public AutoRouter(CatalogCache catalog, EndpointGuards guards, RoutingConfig config) {
        this.catalog = catalog;
        this.guards = guards;
        this.config = config;
    }

    public static boolean routes(String model) {
        return AUTO.contains(model) || FREE.equals(model);
    }

    /** The request with each router id replaced by the model it chose. */
    public CanonicalRequest choose(CanonicalRequest request) {
        if (request.models().stream().noneMatch(AutoRouter::routes)) {
            return request;
        }
        CatalogCache.Index index = catalog.index();
        if (index == null) {
            throw new GatewayException(503, "Model catalog not loaded yet; retry shortly");
        }
        Needs needs = Needs.of(request);
        List<String> models = new ArrayList<>();
        for (String m : request.models()) {
            String chosen = routes(m) ? pick(index, needs, FREE.equals(m)) : m;
            if (!models.contains(chosen)) {
                models.add(chosen);
            }
        }
        request.body().put("model", models.get(0));
        return request.withModels(models);
    }

    private String pick(CatalogCache.Index index, Needs needs, boolean free) {
        List<CatalogSnapshot.Model> pool = new ArrayList<>();
        if (!free) {
            config.autoRouter().models().stream().map(index::model).filter(m -> m != null).forEach(pool::add);
        }
        if (pool.isEmpty()) {
            index.snapshot().models().stream().filter(m -> !Selector.isEmbeddingModel(m)).forEach(pool::add);
        }
        CatalogSnapshot.Model best = null;
        BigDecimal bestPrice = null;
        for (CatalogSnapshot.Model m : pool) {
            BigDecimal price = cheapestFit(index, m, needs, free);
            if (price != null && (bestPrice == null || price.compareTo(bestPrice) < 0)) {
                best = m;
                bestPrice = price;
            }
        }
        if (best == null) {
            throw GatewayException.notFound("No model the " + (free ? "free" : "auto") + " router chooses among can"
                    + " serve this request (it needs " + needs + ")");
        }
        return free ? best.id() + ":free" : best.id();
    }

    /** The lowest price among the model's healthy endpoints that meet the needs; null when none does. */
    private BigDecimal cheapestFit(CatalogCache.Index index, CatalogSnapshot.Model m, Needs needs, boolean free) {
        if (m.endpoints() == null || !needs.modalities(m)) {
            return null;
        }
        BigDecimal best = null;
        for (CatalogSnapshot.Endpoint e : m.endpoints()) {
            CatalogSnapshot.Provider p = index.providers().get(e.provider());
            if (p == null || !e.enabled() || !guards.healthy(e.id())) {
                continue;
            }
            Candidate c = new Candidate(m, e, p);
            Pricing pricing = e.pricing();
            BigDecimal prompt = pricing == null ? BigDecimal.ZERO : Pricing.orZero(pricing.prompt());
            BigDecimal completion = pricing == null ? BigDecimal.ZERO : Pricing.orZero(pricing.completion());
            if (free && (prompt.signum() != 0 || completion.signum() != 0) || !needs.met(c, prompt, completion)) {
                continue;
            }
            BigDecimal price = prompt.add(completion);
            if (best == null || price.compareTo(best) < 0) {
                best = price;
            }
        }
        return best;
    }

    /** What a request needs of a model, read from its canonical form. */
    record Needs(boolean tools, boolean structured, boolean images, boolean files, boolean reasoning, long prompt,
            ProviderPreferences provider) {

        static Needs of(CanonicalRequest r) {
            boolean images = false;
            boolean files = false;
            for (JsonNode m : r.body().path("messages")) {
                for (JsonNode part : m.path("content")) {
                    String type = part.path("type").asText();
                    images |= type.equals("image_url");
                    files |= type.equals("file");
                }
            }
            JsonNode reasoning = r.body().get("reasoning");
            boolean thinks = reasoning != null && reasoning.isObject() && !reasoning.path("enabled").asText().equals("false")
                    && (reasoning.has("effort") || reasoning.has("max_tokens") || reasoning.path("enabled").asBoolean());
            return new Needs(r.usesTools(), r.usesResponseFormat(), images, files, thinks, r.promptTokenEstimate(),
                    r.provider());
        }

        boolean modalities(CatalogSnapshot.Model m) {
            List<String> in = m.inputModalities() == null ? List.of("text") : m.inputModalities();
            return (!images || in.contains("image")) && (!files || in.contains("file"));
        }

        boolean met(Candidate c, BigDecimal promptPrice, BigDecimal completionPrice) {
            List<String> supported = c.endpoint().supportedParameters() != null ? c.endpoint().supportedParameters()
                    : c.model().supportedParameters() == null ? List.of() : c.model().supportedParameters();
            return (!tools || supported.contains("tools"))
                    && (!structured || supported.contains("response_format") || supported.contains("structured_outputs"))
                    && (!reasoning || supported.contains("reasoning") || supported.contains("include_reasoning"))
                    && prompt <= c.contextLength()
                    && (provider.maxPromptPrice() == null || promptPrice.compareTo(provider.maxPromptPrice()) <= 0)
                    && (provider.maxCompletionPrice() == null
                            || completionPrice.compareTo(provider.maxCompletionPrice()) <= 0);
        }

        @Override
        public String toString() {
            List<String> said = new ArrayList<>();
            if (tools) {
                said.add("tools");
            }
            if (structured) {
                said.add("structured outputs");
            }
            if (images) {
                said.add("image input");
            }
            if (files) {
                said.add("file input");
            }
            if (reasoning) {
                said.add("reasoning");
            }
            said.add(prompt + " prompt tokens of context");
            return String.join(", ", said);
        }
    }
}
