package io.llmgateway.catalog.service;

import io.llmgateway.catalog.model.ImportResult;
import io.llmgateway.catalog.persistence.EndpointEntity;
import io.llmgateway.catalog.persistence.ModelAliasEntity;
import io.llmgateway.catalog.persistence.ModelEntity;
import io.llmgateway.catalog.persistence.ProviderEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Imports the seed file as ONE transaction: inserts what is missing, refreshes rows that still come
 * from the seed and removes seed rows the seed no longer lists; rows an operator changed (source admin
 * or k8s) are left alone. Running it twice changes nothing the second time (and then does not bump
 * the version).
 */
@ApplicationScoped
public class SeedImporter {

    private static final Logger LOG = Logger.getLogger(SeedImporter.class);

    private final CatalogStore store;
    private volatile SeedCatalog.Plan plan;

    public SeedImporter(CatalogStore store) {
        this.store = store;
    }

    /** The parsed seed file, read once: it is inside the jar and never changes while running. */
    SeedCatalog.Plan plan() {
        SeedCatalog.Plan current = plan;
        if (current == null) {
            current = SeedCatalog.load();
            plan = current;
        }
        return current;
    }

    /** Imports the seed file shipped in the jar (at start and on {@code POST /admin/import}). */
    public Uni<ImportResult> importSeed() {
        return importPlan(plan());
    }

    /**
     * Makes the stored catalog match {@code seed}: inserts what is missing, refreshes seed-owned rows and
     * removes seed-owned rows the seed no longer lists ({@link SeedRetraction}). One transaction, one
     * version and one {@code import} event when anything changed; none when nothing did.
     */
    Uni<ImportResult> importPlan(SeedCatalog.Plan seed) {
        int[] counts = new int[3]; // created, updated, removed
        long started = System.nanoTime();
        return store.change("import", "seed", () -> merge(seed, counts).map(changed -> new CatalogStore.Work<>(null, changed)))
                .map(done -> {
                    LOG.infof("seed import: %d providers, %d models (%d with 2+ endpoints), %d endpoints; %d rows created, %d updated, %d removed in %d ms (version %d)",
                            seed.providers().size(), seed.models().size(), seed.modelsWithSeveralEndpoints(),
                            seed.endpoints().size(), counts[0], counts[1], counts[2],
                            (System.nanoTime() - started) / 1_000_000, done.version());
                    return new ImportResult(seed.providers().size(), seed.models().size(), seed.endpoints().size(),
                            counts[0], counts[1], counts[2], done.version());
                });
    }

    private Uni<Boolean> merge(SeedCatalog.Plan seed, int[] counts) {
        Instant now = Instant.now();
        List<ProviderEntity> providers = new ArrayList<>();
        List<ModelEntity> models = new ArrayList<>();
        List<EndpointEntity> endpoints = new ArrayList<>();
        LegacyIds.Plan[] legacy = new LegacyIds.Plan[1];
        return ProviderEntity.<ProviderEntity>listAll().invoke(providers::addAll)
                .chain(() -> persistNew(mergeProviders(seed.providers(), index(providers, p -> p.slug), counts, now)))
                .chain(() -> ModelEntity.<ModelEntity>listAll()).invoke(models::addAll)
                .chain(() -> persistNew(mergeModels(seed.models(), index(models, m -> m.id), counts, now)))
                .chain(() -> EndpointEntity.<EndpointEntity>listAll())
                .invoke(stored -> legacy[0] = LegacyIds.of(seed, models, stored))
                .chain(stored -> moveLegacy(legacy[0], index(stored, e -> e.id), counts, now))
                .chain(() -> EndpointEntity.<EndpointEntity>listAll()).invoke(endpoints::addAll)
                .chain(() -> persistNew(mergeEndpoints(seed.endpoints(), index(endpoints, e -> e.id), counts, now)))
                .chain(() -> remove(SeedRetraction.of(seed, providers, models, endpoints), counts))
                .chain(() -> EndpointEntity.<EndpointEntity>listAll())
                .invoke(all -> counts[1] += logQuarantine(PriceSanity.review(all)))
                .chain(() -> ModelAliasEntity.<ModelAliasEntity>listAll())
                .chain(stored -> AliasSync.apply(desiredAliases(seed, legacy[0], stored), stored, counts, now))
                .invoke(() -> logSkipped(seed))
                .map(ignored -> counts[0] + counts[1] + counts[2] > 0);
    }

    /**
     * Endpoints of models an older import filed under another id move to the canonical model (renamed
     * {@code <provider>:<canonical id>}); none is lost: when the provider already serves the canonical
     * model, the old duplicate goes and that provider keeps serving through the canonical endpoint.
     */
    private static Uni<Void> moveLegacy(LegacyIds.Plan legacy, Map<String, EndpointEntity> stored, int[] counts,
            Instant now) {
        if (legacy.moves().isEmpty() && legacy.dropped().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        LOG.infof("seed import merges %d old model ids into their canonical models (%s); endpoints moved: %s; "
                + "duplicates of an endpoint the provider already has: %s", legacy.aliases().size(), legacy.aliases(),
                legacy.moves(), legacy.dropped());
        List<EndpointEntity> moved = new ArrayList<>();
        List<EndpointEntity> gone = new ArrayList<>();
        for (LegacyIds.Move move : legacy.moves()) {
            EndpointEntity old = stored.get(move.fromId());
            EndpointEntity fresh = copy(old, new EndpointEntity(), now);
            fresh.id = move.toId();
            fresh.modelId = move.modelId();
            moved.add(fresh);
            gone.add(old);
        }
        legacy.dropped().forEach(id -> gone.add(stored.get(id)));
        counts[1] += moved.size();
        counts[2] += legacy.dropped().size();
        return Panache.getSession().chain(session -> session.removeAll(gone.toArray()))
                .chain(Panache::flush).chain(() -> persistNew(moved));
    }

    /**
     * The seed's aliases, the old ids this import merged, and the old ids earlier imports merged (an id
     * once answered keeps answering while its model exists).
     */
    private static Map<String, String> desiredAliases(SeedCatalog.Plan seed, LegacyIds.Plan legacy,
            List<ModelAliasEntity> stored) {
        Map<String, String> desired = new java.util.TreeMap<>();
        stored.stream().filter(a -> SeedCatalog.SOURCE.equals(a.source)).forEach(a -> desired.put(a.alias, a.modelId));
        desired.putAll(seed.aliases());
        desired.putAll(legacy.aliases());
        java.util.Set<String> modelIds = seed.models().stream().map(m -> m.id).collect(Collectors.toSet());
        desired.keySet().removeIf(modelIds::contains);
        desired.values().removeIf(target -> !modelIds.contains(target));
        return desired;
    }

    private static int logQuarantine(List<EndpointEntity> changed) {
        changed.forEach(e -> LOG.infof("endpoint %s %s", e.id, e.quarantineReason == null ? "released from quarantine"
                : "quarantined: " + e.quarantineReason));
        return changed.size();
    }

    private static void logSkipped(SeedCatalog.Plan seed) {
        seed.skipped().forEach((reason, keys) -> {
            LOG.infof("seed import leaves out %d priced entries: %s", keys.size(), reason);
            LOG.debugf("left out (%s): %s", reason, keys);
        });
    }

    /** Deletes in foreign-key order; the earlier flushes already wrote this import's inserts and updates. */
    private static Uni<Void> remove(SeedRetraction.Removal removal, int[] counts) {
        if (removal.size() == 0) {
            return Uni.createFrom().voidItem();
        }
        LOG.infof("seed import removes what the seed no longer lists: endpoints %s, models %s, providers %s",
                removal.endpoints(), removal.models(), removal.providers());
        counts[2] = removal.size();
        return deleteIfAny(removal.endpoints(), ids -> EndpointEntity.delete("id in ?1", ids))
                .chain(() -> deleteIfAny(removal.models(), ids -> ModelEntity.delete("id in ?1", ids)))
                .chain(() -> deleteIfAny(removal.providers(), ids -> ProviderEntity.delete("slug in ?1", ids)));
    }

    private static Uni<Void> deleteIfAny(List<String> ids, Function<List<String>, Uni<Long>> delete) {
        return ids.isEmpty() ? Uni.createFrom().voidItem() : delete.apply(ids).replaceWithVoid();
    }

    /** Persists new rows and flushes, so the next table's foreign keys find them (batched inserts). */
    private static Uni<Void> persistNew(List<?> fresh) {
        if (fresh.isEmpty()) {
            return Panache.flush();
        }
        return Panache.getSession().chain(session -> session.persistAll(fresh.toArray())).chain(Panache::flush);
    }

    private static <T> Map<String, T> index(List<T> rows, Function<T, String> key) {
        return rows.stream().collect(Collectors.toMap(key, Function.identity()));
    }

    private static List<ProviderEntity> mergeProviders(List<ProviderEntity> seed, Map<String, ProviderEntity> current,
            int[] counts, Instant now) {
        List<ProviderEntity> fresh = new ArrayList<>();
        for (ProviderEntity s : seed) {
            ProviderEntity row = current.get(s.slug);
            if (row == null) {
                fresh.add(copy(s, new ProviderEntity(), now));
                counts[0]++;
            } else if (SeedCatalog.SOURCE.equals(row.source) && !same(s, row)) {
                copy(s, row, now);
                counts[1]++;
            }
        }
        return fresh;
    }

    private static List<ModelEntity> mergeModels(List<ModelEntity> seed, Map<String, ModelEntity> current, int[] counts,
            Instant now) {
        List<ModelEntity> fresh = new ArrayList<>();
        for (ModelEntity s : seed) {
            ModelEntity row = current.get(s.id);
            if (row == null) {
                fresh.add(copy(s, new ModelEntity(), now));
                counts[0]++;
            } else if (SeedCatalog.SOURCE.equals(row.source) && !same(s, row)) {
                copy(s, row, now);
                counts[1]++;
            }
        }
        return fresh;
    }

    private static List<EndpointEntity> mergeEndpoints(List<EndpointEntity> seed, Map<String, EndpointEntity> current,
            int[] counts, Instant now) {
        List<EndpointEntity> fresh = new ArrayList<>();
        // an operator may already serve this model on this provider under another endpoint id: keep theirs
        java.util.Set<String> pairs = current.values().stream().map(e -> e.modelId + "@" + e.providerSlug)
                .collect(Collectors.toSet());
        for (EndpointEntity s : seed) {
            EndpointEntity row = current.get(s.id);
            if (row == null && pairs.contains(s.modelId + "@" + s.providerSlug)) {
                continue;
            }
            if (row == null) {
                fresh.add(copy(s, new EndpointEntity(), now));
                counts[0]++;
            } else if (SeedCatalog.SOURCE.equals(row.source) && !same(s, row)) {
                copy(s, row, now);
                counts[1]++;
            }
        }
        return fresh;
    }

    private static ProviderEntity copy(ProviderEntity s, ProviderEntity t, Instant now) {
        t.slug = s.slug;
        t.name = s.name;
        t.adapter = s.adapter;
        t.baseUrl = s.baseUrl;
        t.credentialEnv = s.credentialEnv;
        t.credentialSecret = s.credentialSecret;
        t.credentialKey = s.credentialKey;
        t.trainsOnData = s.trainsOnData;
        t.retainsPrompts = s.retainsPrompts;
        t.status = s.status;
        t.source = s.source;
        t.updatedAt = now;
        return t;
    }

    private static boolean same(ProviderEntity a, ProviderEntity b) {
        return Objects.equals(a.name, b.name) && Objects.equals(a.adapter, b.adapter) && Objects.equals(a.baseUrl, b.baseUrl)
                && Objects.equals(a.credentialEnv, b.credentialEnv) && Objects.equals(a.credentialSecret, b.credentialSecret)
                && Objects.equals(a.credentialKey, b.credentialKey) && a.trainsOnData == b.trainsOnData
                && a.retainsPrompts == b.retainsPrompts && Objects.equals(a.status, b.status);
    }

    private static ModelEntity copy(ModelEntity s, ModelEntity t, Instant now) {
        t.id = s.id;
        t.canonicalSlug = s.canonicalSlug;
        t.name = s.name;
        t.description = s.description;
        t.created = s.created;
        t.contextLength = s.contextLength;
        t.inputModalities = s.inputModalities;
        t.outputModalities = s.outputModalities;
        t.tokenizer = s.tokenizer;
        t.supportedParameters = s.supportedParameters;
        t.promptTokensLimit = s.promptTokensLimit;
        t.completionTokensLimit = s.completionTokensLimit;
        t.enabled = s.enabled;
        t.kind = s.kind;
        t.source = s.source;
        t.updatedAt = now;
        return t;
    }

    private static boolean same(ModelEntity a, ModelEntity b) {
        return Objects.equals(a.canonicalSlug, b.canonicalSlug) && Objects.equals(a.name, b.name)
                && Objects.equals(a.description, b.description) && a.created == b.created
                && Objects.equals(a.contextLength, b.contextLength) && Objects.equals(a.inputModalities, b.inputModalities)
                && Objects.equals(a.outputModalities, b.outputModalities) && Objects.equals(a.tokenizer, b.tokenizer)
                && Objects.equals(a.supportedParameters, b.supportedParameters)
                && Objects.equals(a.promptTokensLimit, b.promptTokensLimit)
                && Objects.equals(a.completionTokensLimit, b.completionTokensLimit) && a.enabled == b.enabled
                && Objects.equals(a.kind, b.kind);
    }

    private static EndpointEntity copy(EndpointEntity s, EndpointEntity t, Instant now) {
        t.id = s.id;
        t.modelId = s.modelId;
        t.providerSlug = s.providerSlug;
        t.providerModel = s.providerModel;
        t.contextLength = s.contextLength;
        t.maxCompletionTokens = s.maxCompletionTokens;
        t.quantization = s.quantization;
        t.adapter = s.adapter;
        t.pricePrompt = s.pricePrompt;
        t.priceCompletion = s.priceCompletion;
        t.priceRequest = s.priceRequest;
        t.priceImage = s.priceImage;
        t.priceInputCacheRead = s.priceInputCacheRead;
        t.priceInputCacheWrite = s.priceInputCacheWrite;
        t.priceInternalReasoning = s.priceInternalReasoning;
        t.supportedParameters = s.supportedParameters;
        t.enabled = s.enabled;
        t.source = s.source;
        t.updatedAt = now;
        return t;
    }

    private static boolean same(EndpointEntity a, EndpointEntity b) {
        return Objects.equals(a.modelId, b.modelId) && Objects.equals(a.providerSlug, b.providerSlug)
                && Objects.equals(a.providerModel, b.providerModel) && Objects.equals(a.contextLength, b.contextLength)
                && Objects.equals(a.maxCompletionTokens, b.maxCompletionTokens)
                && Objects.equals(a.quantization, b.quantization) && Objects.equals(a.adapter, b.adapter)
                && CatalogText.samePrice(a.pricePrompt, b.pricePrompt)
                && CatalogText.samePrice(a.priceCompletion, b.priceCompletion)
                && CatalogText.samePrice(a.priceRequest, b.priceRequest)
                && CatalogText.samePrice(a.priceImage, b.priceImage)
                && CatalogText.samePrice(a.priceInputCacheRead, b.priceInputCacheRead)
                && CatalogText.samePrice(a.priceInputCacheWrite, b.priceInputCacheWrite)
                && CatalogText.samePrice(a.priceInternalReasoning, b.priceInternalReasoning)
                && Objects.equals(a.supportedParameters, b.supportedParameters) && a.enabled == b.enabled;
    }
}
