package io.llmgateway.metering.service;

import io.llmgateway.metering.config.MeteringConfig;
import io.llmgateway.metering.persistence.PartitionMaintenance;
import io.llmgateway.metering.persistence.RollupRepository;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Periodic, non-blocking jobs on Vert.x timers: rolling dirty hours/days up from the minute table, and
 * partition creation plus retention. Each job skips a tick while its previous run is still going.
 */
@ApplicationScoped
public class MaintenanceJobs {

    private static final Logger LOG = Logger.getLogger(MaintenanceJobs.class);

    private final Vertx vertx;
    private final RollupRepository rollups;
    private final PartitionMaintenance partitions;
    private final MeteringConfig config;
    private final AtomicBoolean rolling = new AtomicBoolean();
    private final AtomicBoolean maintaining = new AtomicBoolean();
    private long rollupTimer = -1;
    private long maintenanceTimer = -1;

    public MaintenanceJobs(Vertx vertx, RollupRepository rollups, PartitionMaintenance partitions,
            MeteringConfig config) {
        this.vertx = vertx;
        this.rollups = rollups;
        this.partitions = partitions;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        // partitions for today and the next days exist before the first event is read
        partitions.maintain().await().indefinitely();
        rollupTimer = vertx.setPeriodic(config.storage().rollupInterval().toMillis(), id -> rollNow().subscribe()
                .with(x -> { }, f -> LOG.warnf("rollup failed: %s", f.toString())));
        maintenanceTimer = vertx.setPeriodic(config.storage().maintenanceInterval().toMillis(),
                id -> guarded(maintaining, partitions.maintain()).subscribe()
                        .with(x -> { }, f -> LOG.warnf("partition maintenance failed: %s", f.toString())));
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(rollupTimer);
        vertx.cancelTimer(maintenanceTimer);
    }

    /** Rolls every dirty hour now (also used by tests and after a backfill). */
    public Uni<Void> rollNow() {
        return guarded(rolling, rollups.rollDirty().replaceWithVoid());
    }

    private static Uni<Void> guarded(AtomicBoolean flag, Uni<Void> job) {
        return Uni.createFrom().deferred(() -> {
            if (!flag.compareAndSet(false, true)) {
                return Uni.createFrom().voidItem();
            }
            return job.eventually(() -> flag.set(false));
        });
    }
}
