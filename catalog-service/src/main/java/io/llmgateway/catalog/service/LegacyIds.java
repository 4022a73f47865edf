package io.llmgateway.catalog.service;

import io.llmgateway.catalog.persistence.EndpointEntity;
import io.llmgateway.catalog.persistence.ModelEntity;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds, in a catalog imported by older rules, the seed models the seed now files under another id
 * ({@code z-ai/glm-4p5} is now {@code z-ai/glm-4.5}) and says where their endpoints go. An old id maps to
 * a model of the seed when the seed's alias list names it, when their {@link ModelNameNormalizer#looseKey}
 * agree, or (an id filed under a provider, not a maker) when exactly one seed model has its loose slug;
 * anything else is left to {@link SeedRetraction}.
 */
public final class LegacyIds {

    /** One endpoint to move: its old id, the id it gets and its new model. */
    public record Move(String fromId, String toId, String modelId) {
    }

    /**
     * @param aliases old model id -> canonical model id (to keep answering as aliases)
     * @param moves   seed endpoints of old models, renamed after the canonical model
     * @param dropped seed endpoints of old models whose provider already serves the canonical model (the
     *                seed keeps one endpoint per model and provider); removed, their provider keeps serving
     */
    public record Plan(Map<String, String> aliases, List<Move> moves, List<String> dropped) {
    }

    private LegacyIds() {
    }

    public static Plan of(SeedCatalog.Plan seed, List<ModelEntity> stored, List<EndpointEntity> storedEndpoints) {
        Set<String> seedModels = new HashSet<>();
        Map<String, String> byLooseKey = new HashMap<>();
        seed.models().forEach(m -> {
            seedModels.add(m.id);
            byLooseKey.put(ModelNameNormalizer.looseKey(m.id), m.id);
        });
        seed.aliases().forEach((alias, target) -> byLooseKey.putIfAbsent(ModelNameNormalizer.looseKey(alias), target));
        // a provider filed as author (fireworks/yi-34b): the one seed model with that slug, whoever made it
        Map<String, List<String>> bySlug = seed.models().stream().map(m -> m.id).collect(java.util.stream.Collectors
                .groupingBy(id -> ModelNameNormalizer.looseSlug(CanonicalIds.slug(id))));
        Set<String> usedByOperators = new HashSet<>();
        storedEndpoints.stream().filter(e -> !SeedCatalog.SOURCE.equals(e.source)).forEach(e -> usedByOperators.add(e.modelId));
        Map<String, String> aliases = new TreeMap<>();
        for (ModelEntity m : stored) {
            // a model an operator's endpoint still uses stays a model (SeedRetraction keeps it too)
            if (seedModels.contains(m.id) || !SeedCatalog.SOURCE.equals(m.source) || usedByOperators.contains(m.id)) {
                continue;
            }
            String target = seed.aliases().getOrDefault(m.id, byLooseKey.get(ModelNameNormalizer.looseKey(m.id)));
            List<String> sameSlug = bySlug.getOrDefault(ModelNameNormalizer.looseSlug(CanonicalIds.slug(m.id)), List.of());
            if (target == null && !ModelNameNormalizer.knownMaker(CanonicalIds.author(m.id)) && sameSlug.size() == 1) {
                target = sameSlug.get(0);
            }
            if (target != null && seedModels.contains(target)) {
                aliases.put(m.id, target);
            }
        }
        Set<String> taken = new HashSet<>();
        storedEndpoints.forEach(e -> taken.add(e.modelId + "@" + e.providerSlug));
        List<Move> moves = new java.util.ArrayList<>();
        List<String> dropped = new java.util.ArrayList<>();
        for (EndpointEntity e : storedEndpoints) {
            String target = aliases.get(e.modelId);
            if (target == null || !SeedCatalog.SOURCE.equals(e.source)) {
                continue;
            }
            if (!taken.add(target + "@" + e.providerSlug)) {
                dropped.add(e.id);
            } else {
                moves.add(new Move(e.id, e.providerSlug + ":" + target, target));
            }
        }
        return new Plan(aliases, moves, dropped);
    }
}
