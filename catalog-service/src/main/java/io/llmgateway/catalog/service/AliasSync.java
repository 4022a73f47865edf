package io.llmgateway.catalog.service;

import io.llmgateway.catalog.persistence.ModelAliasEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/** Makes the seed-owned rows of {@code model_alias} match the aliases an import found; operator rows stay. */
final class AliasSync {

    private static final Logger LOG = Logger.getLogger(AliasSync.class);

    private AliasSync() {
    }

    /** counts: created, updated, removed (added to). */
    static Uni<Void> apply(Map<String, String> desired, List<ModelAliasEntity> stored, int[] counts, Instant now) {
        Map<String, ModelAliasEntity> current = new TreeMap<>();
        stored.forEach(a -> current.put(a.alias, a));
        List<ModelAliasEntity> fresh = new ArrayList<>();
        desired.forEach((alias, target) -> {
            ModelAliasEntity row = current.get(alias);
            if (row == null) {
                ModelAliasEntity created = new ModelAliasEntity();
                created.alias = alias;
                created.modelId = target;
                created.source = SeedCatalog.SOURCE;
                created.updatedAt = now;
                fresh.add(created);
                counts[0]++;
            } else if (SeedCatalog.SOURCE.equals(row.source) && !Objects.equals(row.modelId, target)) {
                row.modelId = target;
                row.updatedAt = now;
                counts[1]++;
            }
        });
        List<ModelAliasEntity> gone = stored.stream()
                .filter(a -> SeedCatalog.SOURCE.equals(a.source) && !desired.containsKey(a.alias)).toList();
        if (!gone.isEmpty()) {
            LOG.infof("seed import removes aliases it no longer finds: %s", gone.stream().map(a -> a.alias).toList());
            counts[2] += gone.size();
        }
        return Panache.getSession()
                .chain(session -> session.removeAll(gone.toArray()).chain(() -> session.persistAll(fresh.toArray())))
                .chain(Panache::flush);
    }
}
