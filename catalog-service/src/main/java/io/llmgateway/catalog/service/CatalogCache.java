package io.llmgateway.catalog.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.catalog.config.CatalogConfig;
import io.llmgateway.catalog.model.ModelsList;
import io.llmgateway.catalog.persistence.CatalogVersionEntity;
import io.llmgateway.catalog.persistence.EndpointEntity;
import io.llmgateway.catalog.persistence.ModelAliasEntity;
import io.llmgateway.catalog.persistence.PresetEntity;
import io.llmgateway.catalog.persistence.ModelEntity;
import io.llmgateway.catalog.persistence.ProviderEntity;
import io.llmgateway.contracts.internal.CatalogSnapshot;
import io.llmgateway.contracts.internal.EndpointHealth;
import io.llmgateway.contracts.internal.Pricing;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Holds the rendered catalog ({@link CatalogIndex}) and the routing snapshot in memory. Reloaded from
 * the database after every local change and whenever another replica's change is seen (a newer
 * version row); requests never wait for the database.
 */
@ApplicationScoped
public class CatalogCache {

    private static final Logger LOG = Logger.getLogger(CatalogCache.class);

    /** The snapshot JSON for one catalog version and one health generation. */
    public record RenderedSnapshot(long version, long healthGeneration, byte[] json) {
    }

    private final ObjectMapper mapper;
    private final HealthStats health;
    private final Optional<String> simulator;
    private volatile CatalogIndex index = CatalogIndex.empty();
    private volatile RenderedSnapshot snapshot;
    private volatile List<CatalogSnapshot.Preset> presets = List.of();

    public CatalogCache(ObjectMapper mapper, HealthStats health, CatalogConfig config) {
        this.mapper = mapper;
        this.health = health;
        this.simulator = config.simulator().url().map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    public CatalogIndex index() {
        return index;
    }

    /** Reads the whole catalog (a few thousand rows) and installs it unless a newer one is already there. */
    public Uni<CatalogIndex> reload() {
        return Panache.withSession(() -> CatalogVersionEntity.<CatalogVersionEntity>findById(CatalogVersionEntity.ROW)
                .chain(version -> ProviderEntity.<ProviderEntity>listAll()
                        .chain(providers -> ModelEntity.<ModelEntity>listAll()
                                .chain(models -> EndpointEntity.<EndpointEntity>listAll()
                                        .chain(endpoints -> ModelAliasEntity.<ModelAliasEntity>listAll()
                                                .map(aliases -> CatalogIndex.build(version == null ? 0 : version.version,
                                                        providers, models, endpoints, aliasMap(aliases)))))))
                .chain(fresh -> PresetEntity.<PresetEntity>listAll().map(rows -> install(fresh, rows.stream()
                        .map(row -> new CatalogSnapshot.Preset(row.accountId, row.slug, row.version, row.name,
                                readTree(row.config)))
                        .toList()))));
    }

    private static Map<String, String> aliasMap(List<ModelAliasEntity> rows) {
        Map<String, String> map = new java.util.TreeMap<>();
        rows.forEach(a -> map.put(a.alias, a.modelId));
        return map;
    }

    private com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored preset template is not JSON", e);
        }
    }

    /** Every account's presets at the installed version (in routing's snapshot). */
    public List<CatalogSnapshot.Preset> presets() {
        return presets;
    }

    /** The version stored in the database, to notice changes committed by another replica. */
    public Uni<Long> storedVersion() {
        return Panache.withSession(() -> CatalogVersionEntity.<CatalogVersionEntity>findById(CatalogVersionEntity.ROW)
                .map(v -> v == null ? 0L : v.version));
    }

    private synchronized CatalogIndex install(CatalogIndex fresh, List<CatalogSnapshot.Preset> freshPresets) {
        if (fresh.version() < index.version()) {
            return index; // a concurrent reload already installed something newer
        }
        try {
            presets = freshPresets;
            index = fresh.withModelsJson(mapper.writeValueAsBytes(
                    ModelsList.of(ModelQueryService.defaultList(fresh.models()))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("catalog not serialisable", e);
        }
        LOG.debugf("catalog version %d installed: %d models, %d providers", fresh.version(), fresh.models().size(),
                fresh.providers().size());
        return index;
    }

    /** The routing snapshot of the current version, re-rendered when the version or the health changed. */
    public RenderedSnapshot snapshot() {
        CatalogIndex current = index;
        long generation = health.generation();
        RenderedSnapshot cached = snapshot;
        if (cached != null && cached.version() == current.version() && cached.healthGeneration() == generation) {
            return cached;
        }
        try {
            RenderedSnapshot fresh = new RenderedSnapshot(current.version(), generation,
                    mapper.writeValueAsBytes(buildSnapshot(current)));
            snapshot = fresh;
            return fresh;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("snapshot not serialisable", e);
        }
    }

    CatalogSnapshot buildSnapshot(CatalogIndex current) {
        List<CatalogSnapshot.Provider> providers = new ArrayList<>();
        for (var p : current.providers().values()) {
            providers.add(new CatalogSnapshot.Provider(p.slug, p.name, p.adapter, effectiveBaseUrl(p),
                    effectiveCredential(p), p.trainsOnData, p.retainsPrompts, p.status, p.zdr));
        }
        List<CatalogSnapshot.Model> models = new ArrayList<>();
        Map<String, EndpointHealth> stats = health.all();
        for (var view : current.models()) {
            ModelEntity m = current.modelRows().get(view.id());
            if (SeedEntries.ROUTER.equals(m.kind)) {
                continue; // routing resolves openrouter/auto and openrouter/free itself
            }
            List<CatalogSnapshot.Endpoint> endpoints = new ArrayList<>();
            for (EndpointEntity e : current.visibleEndpoints().getOrDefault(view.id(), List.of())) {
                EndpointHealth h = stats.get(e.id);
                endpoints.add(new CatalogSnapshot.Endpoint(e.id, e.providerSlug, e.providerModel, e.contextLength,
                        e.maxCompletionTokens, e.quantization,
                        new Pricing(e.pricePrompt, e.priceCompletion, e.priceRequest, e.priceImage,
                                e.priceInputCacheRead, e.priceInputCacheWrite, e.priceInternalReasoning),
                        CatalogText.split(e.supportedParameters), e.enabled,
                        h == null ? null : h.uptime30m(),
                        h == null || h.latencyMs() == null ? null : h.latencyMs().p50(),
                        h == null || h.throughputTps() == null ? null : h.throughputTps().p50(),
                        e.adapter, effectiveBaseUrl(current.providers().get(e.providerSlug), e)));
            }
            models.add(new CatalogSnapshot.Model(m.id, m.name, m.contextLength, CatalogText.split(m.inputModalities),
                    CatalogText.split(m.outputModalities), CatalogText.split(m.supportedParameters), endpoints));
        }
        return new CatalogSnapshot(current.version(), providers, models, current.aliases(), presets);
    }

    /** With the simulator configured every provider points at it: {@code {sim}/p/{slug}/v1} (v1beta for Gemini). */
    public String effectiveBaseUrl(ProviderEntity p) {
        return simulator.isPresent() ? simulatorUrl(p.slug, p.adapter) : p.baseUrl;
    }

    /**
     * Where an endpoint is served when that is not its provider's base URL, else null. An endpoint speaking
     * another protocol than its provider (Claude on Vertex) needs that protocol's URL: the simulator's route
     * of the protocol, else the operator's {@code base_url}, else a placeholder that fails fast (a request
     * in Anthropic's protocol sent to Gemini's URL would fail slowly and confusingly) until an operator sets it.
     */
    String effectiveBaseUrl(ProviderEntity p, EndpointEntity e) {
        boolean ownProtocol = e.adapter != null && p != null && !e.adapter.equals(p.adapter);
        if (simulator.isPresent()) {
            return ownProtocol ? simulatorUrl(e.providerSlug, e.adapter) : null;
        }
        if (e.baseUrl != null || !ownProtocol) {
            return e.baseUrl;
        }
        return "https://" + e.adapter + "." + e.providerSlug + ".invalid/v1";
    }

    private String simulatorUrl(String slug, String protocol) {
        return simulator.orElseThrow() + "/p/" + slug + (ProviderDirectory.GEMINI.equals(protocol) ? "/v1beta" : "/v1");
    }

    /**
     * The environment variable routing reads the key from; a provider declared only with a Secret gets
     * the conventional {@code <SLUG>_API_KEY}, the name the deployment maps that Secret key to.
     */
    public String effectiveCredential(ProviderEntity p) {
        if (simulator.isPresent()) {
            return null;
        }
        if (p.credentialEnv != null && !p.credentialEnv.isBlank()) {
            return p.credentialEnv;
        }
        if (p.credentialSecret != null) {
            return p.slug.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_API_KEY";
        }
        return null;
    }
}
