package io.llmgateway.metering.persistence;

import io.llmgateway.metering.config.MeteringConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Owns the daily partitions of {@code generations} and the retention of every table: creates
 * partitions ahead of time (and on demand for a late or early event), drops partitions and deletes
 * time-series rows older than their retention.
 */
@ApplicationScoped
public class PartitionMaintenance {

    private static final Logger LOG = Logger.getLogger(PartitionMaintenance.class);
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd");

    private final Pool pool;
    private final MeteringConfig config;
    /** Days (epoch day numbers) whose partition is known to exist: the hot path skips DDL for them. */
    private final Set<Long> known = ConcurrentHashMap.newKeySet();

    public PartitionMaintenance(Pool pool, MeteringConfig config) {
        this.pool = pool;
        this.config = config;
    }

    public Uni<Void> ensureDays(Collection<Long> epochDays) {
        List<Long> missing = epochDays.stream().filter(d -> !known.contains(d)).sorted().toList();
        if (missing.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(missing).onItem().transformToUniAndConcatenate(this::createPartition)
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> createPartition(long epochDay) {
        LocalDate day = LocalDate.ofEpochDay(epochDay);
        String sql = "CREATE TABLE IF NOT EXISTS generations_p" + day.format(SUFFIX) + " PARTITION OF generations"
                + " FOR VALUES FROM ('" + day + " 00:00:00+00') TO ('" + day.plusDays(1) + " 00:00:00+00')";
        return pool.query(sql).execute().replaceWithVoid()
                // two replicas may race on the same DDL; the loser's "already exists" means the partition is there
                .onFailure(f -> f instanceof PgException pe && ("42P07".equals(pe.getSqlState())
                        || "23505".equals(pe.getSqlState()))).recoverWithNull()
                .invoke(() -> known.add(epochDay));
    }

    /** Creates the partitions of today and the next days; drops partitions and rows past retention. */
    public Uni<Void> maintain() {
        long today = LocalDate.now(java.time.ZoneOffset.UTC).toEpochDay();
        List<Long> days = new ArrayList<>();
        for (int i = -1; i <= config.storage().partitionsAhead(); i++) {
            days.add(today + i);
        }
        return ensureDays(days).chain(this::dropExpiredPartitions).chain(this::deleteExpiredBuckets);
    }

    private Uni<Void> dropExpiredPartitions() {
        String oldest = "generations_p" + LocalDate.now(java.time.ZoneOffset.UTC)
                .minusDays(config.storage().generationRetentionDays()).format(SUFFIX);
        String list = "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'generations'";
        return pool.query(list).execute().chain(rows -> {
            List<String> expired = new ArrayList<>();
            for (Row row : rows) {
                String name = row.getString(0);
                // names sort like dates: generations_pYYYYMMDD
                if (name.matches("generations_p\\d{8}") && name.compareTo(oldest) < 0) {
                    expired.add(name);
                }
            }
            return Multi.createFrom().iterable(expired).onItem().transformToUniAndConcatenate(name -> {
                LOG.infof("dropping expired partition %s", name);
                known.remove(LocalDate.parse(name.substring(13), SUFFIX).toEpochDay());
                return pool.query("DROP TABLE IF EXISTS " + name).execute().replaceWithVoid();
            }).collect().last().replaceWithVoid();
        });
    }

    private Uni<Void> deleteExpiredBuckets() {
        var s = config.storage();
        return pool.query("DELETE FROM usage_minute WHERE bucket_start < now() - interval '" + s.minuteRetentionDays()
                        + " days'").execute()
                .chain(() -> pool.query("DELETE FROM usage_hour WHERE bucket_start < now() - interval '"
                        + s.hourRetentionDays() + " days'").execute())
                .chain(() -> pool.query("DELETE FROM usage_day WHERE bucket_start < now() - interval '"
                        + s.dayRetentionDays() + " days'").execute())
                .replaceWithVoid();
    }
}
