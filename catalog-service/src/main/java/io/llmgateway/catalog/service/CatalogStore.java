package io.llmgateway.catalog.service;

import io.llmgateway.catalog.persistence.CatalogVersionEntity;
import io.llmgateway.catalog.stream.CatalogEventPublisher;
import io.llmgateway.contracts.events.CatalogEvent;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.function.Supplier;

/**
 * The one way the catalog changes: lock the version row, apply the change, bump the version, commit;
 * then announce the new version on the catalog-events stream and reload the in-memory catalog.
 * Locking the version row first serialises writers across replicas (two replicas importing the seed
 * at the same start cannot both insert).
 */
@ApplicationScoped
public class CatalogStore {

    /** Outcome of a committed change: whether anything changed and the catalog version after it. */
    public record Committed<T>(T value, boolean changed, long version) {
    }

    /** What a unit of work reports: its result and whether it modified the catalog. */
    public record Work<T>(T value, boolean changed) {
    }

    private final CatalogEventPublisher events;
    private final CatalogCache cache;

    public CatalogStore(CatalogEventPublisher events, CatalogCache cache) {
        this.events = events;
        this.cache = cache;
    }

    public <T> Uni<Committed<T>> change(String change, String id, Supplier<Uni<Work<T>>> work) {
        return Panache.withTransaction(() -> CatalogVersionEntity
                        .<CatalogVersionEntity>findById(CatalogVersionEntity.ROW, LockModeType.PESSIMISTIC_WRITE)
                        .chain(version -> work.get().map(result -> {
                            if (result.changed()) {
                                version.version++;
                            }
                            return new Committed<>(result.value(), result.changed(), version.version);
                        })))
                // after the commit only: readers must never hear of a version they cannot fetch
                .call(done -> done.changed()
                        ? events.publish(new CatalogEvent(done.version(), change, id, System.currentTimeMillis()))
                        : Uni.createFrom().voidItem())
                .call(done -> done.changed() || cache.index().version() < done.version()
                        ? cache.reload() : Uni.createFrom().voidItem());
    }
}
