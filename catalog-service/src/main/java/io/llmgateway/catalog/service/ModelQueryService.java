package io.llmgateway.catalog.service;

import io.llmgateway.catalog.model.EndpointView;
import io.llmgateway.catalog.model.ModelEndpoints;
import io.llmgateway.catalog.model.ModelView;
import io.llmgateway.catalog.model.Percentiles;
import io.llmgateway.catalog.model.ProviderView;
import io.llmgateway.catalog.model.ToolChoiceSupport;
import io.llmgateway.catalog.persistence.EndpointEntity;
import io.llmgateway.catalog.persistence.ProviderEntity;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.internal.EndpointHealth;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Answers the public catalog API from the in-memory index; never touches the database. */
@ApplicationScoped
public class ModelQueryService {

    /**
     * Filters of {@code GET /api/v1/models}; blank means "not filtered", except {@code output_modalities}
     * whose default is {@code text} (OpenRouter's), so embedding models are listed only when asked for
     * ({@code embeddings} or {@code all}). {@code maxPrice} is USD per million tokens, prompt and completion.
     */
    public record ModelFilter(String supportedParameters, String category, String q, String inputModalities,
            String outputModalities, String sort, java.math.BigDecimal maxPrice) {

        public ModelFilter(String supportedParameters, String category, String q, String inputModalities,
                String outputModalities) {
            this(supportedParameters, category, q, inputModalities, outputModalities, null, null);
        }

        /** The default list: answered by the pre-rendered body. */
        public boolean isEmpty() {
            return blank(supportedParameters) && blank(category) && blank(q) && blank(inputModalities)
                    && (blank(outputModalities) || "text".equalsIgnoreCase(outputModalities.trim()))
                    && blank(sort) && maxPrice == null;
        }
    }

    private static final java.math.BigDecimal MILLION = java.math.BigDecimal.valueOf(1_000_000);

    private final CatalogCache cache;
    private final HealthStats health;

    public ModelQueryService(CatalogCache cache, HealthStats health) {
        this.cache = cache;
        this.health = health;
    }

    /** The pre-rendered body of the unfiltered list, or null when a filter applies. */
    public byte[] allModelsJson(ModelFilter filter) {
        return filter.isEmpty() ? cache.index().modelsJson() : null;
    }

    /** OpenRouter's default {@code /models} list: models whose output includes text. */
    public static List<ModelView> defaultList(List<ModelView> all) {
        return all.stream().filter(m -> m.architecture().outputModalities().contains("text")).toList();
    }

    /** {@code GET /api/v1/embeddings/models}. */
    public List<ModelView> embeddingModels() {
        return cache.index().models().stream().filter(CatalogIndex::embedding).toList();
    }

    /** {@code GET /api/v1/model/{author}/{slug}}: by id or alias, with an optional variant ({@code :free}). */
    public ModelView model(String author, String slug) {
        String requested = author + "/" + slug;
        int colon = slug.indexOf(':');
        String id = colon < 0 ? requested : author + "/" + slug.substring(0, colon);
        String variant = colon < 0 ? null : slug.substring(colon + 1);
        CatalogIndex index = cache.index();
        ModelView model = index.model(id).filter(m -> variant == null || Variants.offered(index, m, variant))
                .orElseThrow(() -> GatewayException.notFound("Model '" + CatalogValidator.safe(requested) + "' not found"));
        return variant == null ? model : Variants.render(model, variant);
    }

    public List<ModelView> models(ModelFilter filter) {
        Set<String> params = csv(filter.supportedParameters());
        Set<String> inputs = csv(filter.inputModalities());
        Set<String> outputs = csv(filter.outputModalities());
        if (outputs.isEmpty()) {
            outputs.add("text");
        }
        boolean anyOutput = outputs.remove("all");
        List<String> words = new ArrayList<>();
        for (String text : new String[] {filter.category(), filter.q()}) {
            if (!blank(text)) {
                words.addAll(Arrays.asList(text.toLowerCase(Locale.ROOT).trim().split("\\s+")));
            }
        }
        java.math.BigDecimal maxPerToken = filter.maxPrice() == null ? null
                : filter.maxPrice().divide(MILLION, java.math.MathContext.DECIMAL64);
        return ModelSort.sort(cache.index().models().stream()
                .filter(m -> m.supportedParameters().containsAll(params))
                .filter(m -> m.architecture().inputModalities().containsAll(inputs))
                .filter(m -> anyOutput || m.architecture().outputModalities().containsAll(outputs))
                .filter(m -> matchesText(m, words))
                .filter(m -> maxPerToken == null || ModelSort.withinPrice(m, maxPerToken))
                .toList(), filter.sort());
    }

    public long count(ModelFilter filter) {
        return models(filter).size();
    }

    public ModelEndpoints endpoints(String author, String slug) {
        String requested = author + "/" + slug;
        CatalogIndex index = cache.index();
        ModelView model = index.model(requested)
                .orElseThrow(() -> GatewayException.notFound("Model '" + CatalogValidator.safe(requested) + "' not found"));
        List<EndpointView> views = new ArrayList<>();
        for (EndpointEntity e : index.visibleEndpoints().getOrDefault(model.id(), List.of())) {
            ProviderEntity p = index.providers().get(e.providerSlug);
            views.add(endpointView(model, e, p, health.of(e.id)));
        }
        return new ModelEndpoints(model.id(), model.name(), model.created(), model.description(), model.architecture(),
                views);
    }

    public List<ProviderView> providers() {
        return cache.index().providers().values().stream()
                .map(p -> new ProviderView(p.name, p.slug, null, null, null, null, List.of()))
                .toList();
    }

    static EndpointView endpointView(ModelView model, EndpointEntity e, ProviderEntity p, EndpointHealth h) {
        String providerName = p == null ? e.providerSlug : p.name;
        // OpenRouter's status: 0 ok, negative when degraded; "down" providers report -1
        int status = p != null && "down".equals(p.status) ? -1 : 0;
        Integer maxPrompt = e.contextLength;
        int context = e.contextLength != null ? e.contextLength : model.contextLength() != null ? model.contextLength() : 0;
        List<String> params = CatalogText.split(e.supportedParameters);
        return new EndpointView(e.id, providerName + " | " + model.id(), model.id(), model.name(), context,
                CatalogIndex.pricing(e), providerName, e.providerSlug, e.quantization, e.maxCompletionTokens, maxPrompt,
                params, status,
                h == null ? null : h.uptime30m(), h == null ? null : h.uptime5m(), h == null ? null : h.uptime1d(),
                e.priceInputCacheRead != null, ToolChoiceSupport.of(params), percentiles(h == null ? null : h.latencyMs()),
                percentiles(h == null ? null : h.throughputTps()));
    }

    private static Percentiles percentiles(EndpointHealth.Percentiles p) {
        // the spec's PercentileStats has all four numbers required: incomplete stats are shown as none
        return p == null || p.p50() == null || p.p75() == null || p.p90() == null || p.p99() == null ? null
                : new Percentiles(p.p50(), p.p75(), p.p90(), p.p99());
    }

    private static boolean matchesText(ModelView m, List<String> words) {
        if (words.isEmpty()) {
            return true;
        }
        String haystack = (m.id() + " " + m.name() + " " + m.description()).toLowerCase(Locale.ROOT);
        return words.stream().allMatch(haystack::contains);
    }

    private static Set<String> csv(String value) {
        if (blank(value)) {
            return new java.util.HashSet<>();
        }
        return Arrays.stream(value.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(java.util.HashSet::new));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
