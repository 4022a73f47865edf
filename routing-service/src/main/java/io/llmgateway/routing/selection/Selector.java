package io.llmgateway.routing.selection;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.internal.CatalogSnapshot;
import io.llmgateway.contracts.internal.Pricing;
import io.llmgateway.routing.canonical.CanonicalRequest;
import io.llmgateway.routing.canonical.ProviderPreferences;
import io.llmgateway.routing.canonical.RequestKind;
import io.llmgateway.routing.upstream.EndpointGuards;
import io.llmgateway.routing.upstream.protocol.ProviderAdapter;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Orders the endpoints a request may go to: per requested model (then each {@code models[]}
 * fallback), the enabled endpoints that pass the provider preferences and capability checks, in
 * preference order (order/sort) or, by default, healthy endpoints first with a weighted random pick
 * favouring low price (inverse square), the rest as ordered fallbacks.
 */
@Singleton
public class Selector {

    /** A resolved model with its variant suffix (free, nitro, floor, thinking: reasoning on) or null. */
    record Resolved(CatalogSnapshot.Model model, String variant) {
    }

    /** Suffixes OpenRouter knows that this gateway cannot honour: refused, never routed as the plain model. */
    static final Map<String, String> UNSUPPORTED_VARIANTS = Map.of(
            "online", "web search needs a search engine the gateway does not have",
            "exacto", "exacto routing needs tool-calling quality data the gateway does not have");

    private final CatalogCache catalog;
    private final EndpointGuards health;

    public Selector(CatalogCache catalog, EndpointGuards health) {
        this.catalog = catalog;
        this.health = health;
    }

    public List<Candidate> candidates(CanonicalRequest request) {
        CatalogCache.Index index = catalog.index();
        if (index == null) {
            throw new GatewayException(503, "Model catalog not loaded yet; retry shortly");
        }
        List<Candidate> out = new ArrayList<>();
        boolean anyModel = false;
        String wrongKind = null;
        ProviderPreferences pref = request.provider();
        // sort.partition "none": every model's endpoints sorted together, instead of model by model
        boolean across = pref.sortsAcrossModels() && (pref.order() == null || pref.order().isEmpty());
        for (String id : request.models()) {
            Resolved resolved = resolve(index, id);
            if (resolved == null) {
                continue;
            }
            if (isEmbeddingModel(resolved.model()) != (request.kind() == RequestKind.EMBEDDINGS)) {
                wrongKind = id;
                continue;
            }
            anyModel = true;
            out.addAll(across ? eligible(index, resolved, request) : forModel(index, resolved, request));
            if (!across && !pref.allowFallbacks() && !out.isEmpty()) {
                break;
            }
        }
        if (across) {
            out = sorted(out, pref.sort());
            if (!pref.allowFallbacks() && out.size() > 1) {
                out = List.of(out.get(0));
            }
        }
        // soft preferences: what meets them first (across models, as OpenRouter documents), then the rest
        out = Preferred.first(out, pref, MiddleOut.requested(request.body()) ? request.promptTokenEstimate() : -1);
        if (!anyModel && wrongKind != null) {
            throw GatewayException.badRequest(request.kind() == RequestKind.EMBEDDINGS
                    ? "Model '" + wrongKind + "' is not an embeddings model; use POST /api/v1/chat/completions"
                    : "Model '" + wrongKind + "' is an embeddings model; use POST /api/v1/embeddings");
        }
        if (!anyModel) {
            throw GatewayException.notFound("Model '" + request.models().get(0) + "' does not exist");
        }
        if (out.isEmpty()) {
            throw GatewayException.notFound("No endpoints found that can handle the request"
                    + " (check provider preferences, model capabilities and context length)");
        }
        return out;
    }

    /** A model whose output is embeddings (the catalog's output modality {@code embeddings}). */
    public static boolean isEmbeddingModel(CatalogSnapshot.Model model) {
        return model.outputModalities() != null && model.outputModalities().contains("embeddings");
    }

    public static boolean isFreeVariant(String modelId) {
        return modelId.endsWith(":free");
    }

    static Resolved resolve(CatalogCache.Index index, String id) {
        CatalogSnapshot.Model exact = index.model(id);
        int colon = id.lastIndexOf(':');
        String variant = colon > 0 ? id.substring(colon + 1) : null;
        if (exact != null) {
            return new Resolved(exact, "free".equals(variant) ? "free" : null);
        }
        if (variant != null) {
            CatalogSnapshot.Model base = index.model(id.substring(0, colon));
            if (base != null && List.of("free", "nitro", "floor", "thinking").contains(variant)) {
                return new Resolved(base, variant);
            }
            if (base != null && UNSUPPORTED_VARIANTS.containsKey(variant)) {
                throw new GatewayException(400, "Unsupported 'model' suffix ':" + variant + "': "
                        + UNSUPPORTED_VARIANTS.get(variant), Map.of("field", "model", "reason", "unsupported"));
            }
        }
        return null;
    }

    /** The model's endpoints that pass the preferences and capability checks, in catalog order. */
    List<Candidate> eligible(CatalogCache.Index index, Resolved resolved, CanonicalRequest request) {
        List<Candidate> eligible = new ArrayList<>();
        if (resolved.model().endpoints() == null || !InputModalities.covers(resolved.model(), request.body())) {
            return eligible;
        }
        for (CatalogSnapshot.Endpoint e : resolved.model().endpoints()) {
            CatalogSnapshot.Provider p = index.providers().get(e.provider());
            if (p == null || !e.enabled() || "disabled".equalsIgnoreCase(p.status()) || "down".equalsIgnoreCase(p.status())) {
                continue;
            }
            Candidate c = new Candidate(resolved.model(), e, p);
            if (accepts(c, request, resolved.variant())) {
                eligible.add(c);
            }
        }
        return eligible;
    }

    List<Candidate> forModel(CatalogCache.Index index, Resolved resolved, CanonicalRequest request) {
        ProviderPreferences pref = request.provider();
        List<Candidate> eligible = eligible(index, resolved, request);
        String sort = pref.sort();
        if ("nitro".equals(resolved.variant())) {
            sort = "throughput";
        } else if ("floor".equals(resolved.variant())) {
            sort = "price";
        }
        if (pref.order() != null && !pref.order().isEmpty()) {
            List<Candidate> ordered = new ArrayList<>();
            for (String slug : pref.order()) {
                for (Candidate c : eligible) {
                    if (matches(c, slug) && !ordered.contains(c)) {
                        ordered.add(c);
                    }
                }
            }
            if (pref.allowFallbacks()) {
                List<Candidate> rest = new ArrayList<>(eligible);
                rest.removeAll(ordered);
                ordered.addAll(sort != null ? sorted(rest, sort) : defaultOrder(rest));
            }
            return ordered;
        }
        List<Candidate> ordered = sort != null ? sorted(eligible, sort) : defaultOrder(eligible);
        if (!pref.allowFallbacks() && ordered.size() > 1) {
            return List.of(ordered.get(0));
        }
        return ordered;
    }

    private boolean accepts(Candidate c, CanonicalRequest r, String variant) {
        ProviderPreferences pref = r.provider();
        CatalogSnapshot.Endpoint e = c.endpoint();
        if (pref.only() != null && pref.only().stream().noneMatch(s -> matches(c, s))) {
            return false;
        }
        if (pref.ignore() != null && pref.ignore().stream().anyMatch(s -> matches(c, s))) {
            return false;
        }
        if (pref.quantizations() != null && (e.quantization() == null
                || pref.quantizations().stream().noneMatch(q -> q.equalsIgnoreCase(e.quantization())))) {
            return false;
        }
        if (r.kind() == RequestKind.EMBEDDINGS && !ProviderAdapter.servesEmbeddings(c.protocol())) {
            return false;
        }
        if (r.usesTools() && ProviderAdapter.asksOneToolCall(r.body()) && !ProviderAdapter.limitsToolCalls(c.protocol())) {
            return false;
        }
        if ("deny".equals(pref.dataCollection()) && (c.provider().trainsOnData() || c.provider().retainsPrompts())) {
            return false;
        }
        if (pref.zdr() && !c.provider().zdr()) {
            return false;
        }
        Pricing price = e.pricing();
        BigDecimal prompt = price == null ? BigDecimal.ZERO : Pricing.orZero(price.prompt());
        BigDecimal completion = price == null ? BigDecimal.ZERO : Pricing.orZero(price.completion());
        if ("free".equals(variant) && (prompt.signum() != 0 || completion.signum() != 0)) {
            return false;
        }
        if (pref.maxPromptPrice() != null && prompt.compareTo(pref.maxPromptPrice()) > 0) {
            return false;
        }
        if (pref.maxCompletionPrice() != null && completion.compareTo(pref.maxCompletionPrice()) > 0) {
            return false;
        }
        if (pref.maxRequestPrice() != null && price != null
                && Pricing.orZero(price.request()).compareTo(pref.maxRequestPrice()) > 0) {
            return false;
        }
        if (pref.maxImagePrice() != null && price != null
                && Pricing.orZero(price.image()).compareTo(pref.maxImagePrice()) > 0) {
            return false;
        }
        List<String> supported = e.supportedParameters() != null ? e.supportedParameters()
                : c.model().supportedParameters();
        if (supported != null) {
            if (r.usesTools() && !supported.contains("tools")) {
                return false;
            }
            if (r.usesResponseFormat() && !supported.contains("response_format")
                    && !supported.contains("structured_outputs")) {
                return false;
            }
            if (pref.requireParameters() && !supported.containsAll(r.usedParameters())) {
                return false;
            }
        }
        // a prompt that cannot fit is sent where it fits (a larger-context endpoint), not everywhere;
        // with middle-out it is compressed to fit instead (MiddleOut), after the endpoints where it fits
        return r.promptTokenEstimate() <= c.contextLength() || MiddleOut.requested(r.body());
    }

    private static boolean matches(Candidate c, String slug) {
        return slug.equalsIgnoreCase(c.providerSlug()) || slug.equalsIgnoreCase(c.endpointId())
                || slug.equalsIgnoreCase(c.provider().name());
    }

    static BigDecimal unitPrice(Candidate c) {
        Pricing p = c.endpoint().pricing();
        return p == null ? BigDecimal.ZERO : Pricing.orZero(p.prompt()).add(Pricing.orZero(p.completion()));
    }

    static List<Candidate> sorted(List<Candidate> list, String sort) {
        List<Candidate> out = new ArrayList<>(list);
        Comparator<Candidate> cmp = switch (sort) {
            case "throughput" -> Comparator.comparing((Candidate c) -> c.endpoint().throughputP50() == null ? 0.0
                    : c.endpoint().throughputP50()).reversed();
            case "latency" -> Comparator.comparing((Candidate c) -> c.endpoint().latencyP50Ms() == null
                    ? Double.MAX_VALUE : c.endpoint().latencyP50Ms());
            default -> Comparator.comparing(Selector::unitPrice);
        };
        out.sort(cmp.thenComparing(Candidate::endpointId));
        return out;
    }

    /**
     * Healthy endpoints first, in weighted random order (weight 1/price^2, so a endpoint at half the
     * price gets four times the traffic); unhealthy ones after, cheapest first.
     */
    private List<Candidate> defaultOrder(List<Candidate> list) {
        List<Candidate> healthy = new ArrayList<>();
        List<Candidate> rest = new ArrayList<>();
        for (Candidate c : list) {
            (health.healthy(c.endpointId()) ? healthy : rest).add(c);
        }
        List<Candidate> out = new ArrayList<>(list.size());
        List<Candidate> pool = new ArrayList<>(healthy);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!pool.isEmpty()) {
            double[] weights = new double[pool.size()];
            double total = 0;
            for (int i = 0; i < pool.size(); i++) {
                // weights only steer traffic; money itself is never computed in floating point
                double price = unitPrice(pool.get(i)).doubleValue();
                weights[i] = 1.0 / Math.pow(Math.max(price, 1e-12), 2);
                total += weights[i];
            }
            double pick = random.nextDouble() * total;
            int chosen = pool.size() - 1;
            for (int i = 0; i < pool.size(); i++) {
                pick -= weights[i];
                if (pick <= 0) {
                    chosen = i;
                    break;
                }
            }
            out.add(pool.remove(chosen));
            // only the first choice is load-balanced; fallbacks go cheapest first
            pool.sort(Comparator.comparing(Selector::unitPrice).thenComparing(Candidate::endpointId));
            out.addAll(pool);
            break;
        }
        out.addAll(sorted(rest, "price"));
        return out;
    }
}
