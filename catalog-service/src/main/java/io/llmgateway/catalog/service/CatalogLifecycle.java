package io.llmgateway.catalog.service;

import io.llmgateway.catalog.client.MeteringClient;
import io.llmgateway.catalog.config.CatalogConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Start: import the seed (inserts into an empty catalog, reconciles an existing one) and load it into memory. Then two timers: a version
 * check that picks up changes committed by other replicas, and the endpoint-health poll of metering.
 * Both run their reactive work on a fresh duplicated Vert.x context, as Hibernate Reactive requires.
 */
@ApplicationScoped
public class CatalogLifecycle {

    private static final Logger LOG = Logger.getLogger(CatalogLifecycle.class);

    private final SeedImporter importer;
    private final CatalogCache cache;
    private final MeteringClient metering;
    private final HealthStats health;
    private final CatalogConfig config;
    private final Vertx vertx;
    private long syncTimer = -1;
    private long healthTimer = -1;

    public CatalogLifecycle(SeedImporter importer, CatalogCache cache, MeteringClient metering, HealthStats health,
            CatalogConfig config, Vertx vertx) {
        this.importer = importer;
        this.cache = cache;
        this.metering = metering;
        this.health = health;
        this.config = config;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        try {
            VertxContextSupport.subscribeAndAwait(this::loadOrSeed);
            LOG.infof("catalog ready: version %d, %d models, %d providers", cache.index().version(),
                    cache.index().models().size(), cache.index().providers().size());
        } catch (Throwable e) {
            // not fatal: readiness reports the database, and the sync timer retries until it works
            LOG.errorf("catalog not loaded at start, retrying in the background: %s", e.toString());
        }
        syncTimer = vertx.setPeriodic(config.catalog().syncInterval().toMillis(), id -> run(this::sync));
        if (config.metering().enabled()) {
            healthTimer = vertx.setPeriodic(1000, config.metering().pollInterval().toMillis(), id -> run(this::pollHealth));
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (syncTimer >= 0) {
            vertx.cancelTimer(syncTimer);
        }
        if (healthTimer >= 0) {
            vertx.cancelTimer(healthTimer);
        }
    }

    private Uni<?> loadOrSeed() {
        // Every start, not only into an empty database: a catalog imported by an older jar must lose the rows
        // this seed dropped. An unchanged seed changes nothing (no version, no event).
        Uni<?> seed = config.catalog().seedOnStart() ? importer.importSeed() : Uni.createFrom().voidItem();
        return seed.chain(cache::reload);
    }

    /** Reloads when another replica committed a newer version (or when the start-up load failed). */
    private Uni<?> sync() {
        if (cache.index().version() < 0) {
            return loadOrSeed();
        }
        return cache.storedVersion().chain(stored -> stored > cache.index().version()
                ? cache.reload() : Uni.createFrom().voidItem());
    }

    private Uni<?> pollHealth() {
        return metering.endpointHealth().invoke(result -> result.ifPresent(health::replace));
    }

    /** Runs reactive work on a new duplicated context marked safe, as Hibernate Reactive sessions require. */
    private void run(Supplier<Uni<?>> work) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getDelegate().getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> work.get().subscribe().with(
                done -> {
                },
                failure -> LOG.warnf("catalog background task failed: %s", failure.toString())));
    }
}
