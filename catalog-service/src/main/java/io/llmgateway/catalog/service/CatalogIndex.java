package io.llmgateway.catalog.service;

import io.llmgateway.catalog.model.Architecture;
import io.llmgateway.catalog.model.ModelLinks;
import io.llmgateway.catalog.model.ModelView;
import io.llmgateway.catalog.model.PerRequestLimits;
import io.llmgateway.catalog.model.PublicPricing;
import io.llmgateway.catalog.model.TopProvider;
import io.llmgateway.catalog.persistence.EndpointEntity;
import io.llmgateway.catalog.persistence.ModelEntity;
import io.llmgateway.catalog.persistence.ProviderEntity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable, fully rendered copy of the catalog at one version. Built off the request path after
 * every change; requests only read it, so listing 1,000 models costs no database round trip.
 *
 * @param models     every listed model: chat, embedding and router pseudo-models, newest first
 * @param aliases    other names of listed models (old ids, the alias table, {@code ~author/family-latest}) -> id
 * @param modelsJson the unfiltered {@code GET /api/v1/models} body ({@code ModelsList}: text-output models,
 *                   OpenRouter's default filter), serialised once per version
 */
public record CatalogIndex(
        long version,
        Map<String, ProviderEntity> providers,
        Map<String, ModelEntity> modelRows,
        Map<String, EndpointEntity> endpointRows,
        List<ModelView> models,
        Map<String, ModelView> modelsById,
        Map<String, List<EndpointEntity>> visibleEndpoints,
        Map<String, String> aliases,
        byte[] modelsJson) {

    public static final String STATUS_DISABLED = "disabled";

    public static CatalogIndex empty() {
        return new CatalogIndex(-1, Map.of(), Map.of(), Map.of(), List.of(), Map.of(), Map.of(), Map.of(), null);
    }

    /** Renders the public views. {@code modelsJson} is filled by the caller, who owns the ObjectMapper. */
    public static CatalogIndex build(long version, List<ProviderEntity> providerList, List<ModelEntity> modelList,
            List<EndpointEntity> endpointList, Map<String, String> storedAliases) {
        Map<String, ProviderEntity> providers = new LinkedHashMap<>();
        providerList.stream().sorted(Comparator.comparing(p -> p.slug)).forEach(p -> providers.put(p.slug, p));
        Map<String, ModelEntity> modelRows = new LinkedHashMap<>();
        modelList.forEach(m -> modelRows.put(m.id, m));
        Map<String, EndpointEntity> endpointRows = new LinkedHashMap<>();
        Map<String, List<EndpointEntity>> visible = new LinkedHashMap<>();
        endpointList.stream().sorted(Comparator.comparing(e -> e.id)).forEach(e -> {
            endpointRows.put(e.id, e);
            ProviderEntity p = providers.get(e.providerSlug);
            ModelEntity m = modelRows.get(e.modelId);
            // a quarantined endpoint is not routable, so neither listed nor in routing's snapshot
            if (e.enabled && e.quarantineReason == null && p != null && !STATUS_DISABLED.equals(p.status) && m != null
                    && m.enabled) {
                visible.computeIfAbsent(e.modelId, k -> new ArrayList<>()).add(e);
            }
        });
        visible.values().forEach(list -> list.sort(CatalogIndex::cheaperFirst));
        List<ModelView> views = new ArrayList<>();
        for (ModelEntity m : modelList) {
            List<EndpointEntity> endpoints = visible.get(m.id);
            if (endpoints != null && !endpoints.isEmpty()) {
                views.add(render(m, endpoints, providers));
            } else if (SeedEntries.ROUTER.equals(m.kind) && m.enabled) {
                views.add(RouterModels.render(m));
            }
        }
        views.sort(Comparator.comparingLong(ModelView::created).reversed().thenComparing(ModelView::id));
        Map<String, ModelView> byId = new LinkedHashMap<>();
        views.forEach(v -> byId.put(v.id(), v));
        Map<String, String> aliases = new LinkedHashMap<>();
        storedAliases.forEach((alias, id) -> {
            if (byId.containsKey(id) && !byId.containsKey(alias)) {
                aliases.put(alias, id);
            }
        });
        LatestAliases.of(views, modelRows).forEach(aliases::putIfAbsent);
        return new CatalogIndex(version, Collections.unmodifiableMap(providers), Collections.unmodifiableMap(modelRows),
                Collections.unmodifiableMap(endpointRows), List.copyOf(views), Collections.unmodifiableMap(byId),
                Collections.unmodifiableMap(visible), Collections.unmodifiableMap(aliases), null);
    }

    public CatalogIndex withModelsJson(byte[] json) {
        return new CatalogIndex(version, providers, modelRows, endpointRows, models, modelsById, visibleEndpoints,
                aliases, json);
    }

    /** A listed model by its id or any of its aliases. */
    public Optional<ModelView> model(String id) {
        ModelView direct = modelsById.get(id);
        return Optional.ofNullable(direct != null ? direct : modelsById.get(aliases.getOrDefault(id, "")));
    }

    /** Whether a listed model is an embedding model (output modality {@code embeddings}). */
    public static boolean embedding(ModelView m) {
        return m.architecture().outputModalities().contains(SeedEntries.EMBEDDINGS_MODALITY);
    }

    /** Cheapest first by prompt + completion price; the first one sets the model's default pricing. */
    static int cheaperFirst(EndpointEntity a, EndpointEntity b) {
        int byPrice = total(a).compareTo(total(b));
        return byPrice != 0 ? byPrice : a.id.compareTo(b.id);
    }

    private static BigDecimal total(EndpointEntity e) {
        return nz(e.pricePrompt).add(nz(e.priceCompletion));
    }

    private static BigDecimal nz(BigDecimal value) {
        return value == null ? BigDecimal.ZERO : value;
    }

    static ModelView render(ModelEntity m, List<EndpointEntity> endpoints, Map<String, ProviderEntity> providers) {
        EndpointEntity top = endpoints.get(0);
        ProviderEntity topProvider = providers.get(top.providerSlug);
        boolean moderated = topProvider != null && ("openai".equals(topProvider.slug) || "anthropic".equals(topProvider.slug));
        // the spec's PerRequestLimits has both numbers required: a half-set limit is not shown
        PerRequestLimits limits = m.promptTokensLimit == null || m.completionTokensLimit == null ? null
                : new PerRequestLimits(m.promptTokensLimit, m.completionTokensLimit);
        return new ModelView(m.id, m.canonicalSlug, null, m.name, m.created, m.description, m.contextLength,
                architecture(m), pricing(top), new TopProvider(top.contextLength, top.maxCompletionTokens, moderated),
                limits, CatalogText.split(m.supportedParameters), null, null, null, null,
                new ModelLinks("/api/v1/models/" + m.id + "/endpoints"));
    }

    public static Architecture architecture(ModelEntity m) {
        List<String> in = CatalogText.split(m.inputModalities);
        List<String> out = CatalogText.split(m.outputModalities);
        return new Architecture(String.join("+", in) + "->" + String.join("+", out), in, out, m.tokenizer, null);
    }

    public static PublicPricing pricing(EndpointEntity e) {
        return new PublicPricing(CatalogText.plain(e.pricePrompt), CatalogText.plain(e.priceCompletion),
                CatalogText.plain(e.priceRequest), CatalogText.plain(e.priceImage),
                e.priceInputCacheRead == null ? null : CatalogText.plain(e.priceInputCacheRead),
                e.priceInputCacheWrite == null ? null : CatalogText.plain(e.priceInputCacheWrite),
                e.priceInternalReasoning == null ? null : CatalogText.plain(e.priceInternalReasoning));
    }
}
