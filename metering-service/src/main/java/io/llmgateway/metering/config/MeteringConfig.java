package io.llmgateway.metering.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Every metering setting in one place; names are listed with their defaults in the README. */
@ConfigMapping(prefix = "gateway")
public interface MeteringConfig {

    RedisSettings redis();

    Auth auth();

    Ingest ingest();

    Usage usage();

    Storage storage();

    Query query();

    Health health();

    interface RedisSettings {
        Optional<String> prefix();
    }

    interface Auth {
        @WithDefault("http://localhost:8082")
        String url();

        /** A resolved key is trusted this long; revocation reaches metering within this delay. */
        @WithDefault("30s")
        Duration cacheTtl();

        /** An unknown key is remembered as unknown this long (cheap 401s for garbage keys). */
        @WithDefault("5s")
        Duration negativeTtl();
    }

    interface Usage {
        /**
         * Partitions of the usage stream, the same number routing publishes across
         * ({@code gateway.usage.partitions}); the group reads every one, with a worker thread per partition at
         * least.
         */
        @WithDefault("1")
        int partitions();
    }

    interface Ingest {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("metering")
        String group();

        /**
         * Most entries per read of the usage stream and per database transaction (a read returns what is there,
         * up to this). Large batches amortise the per-transaction cost (commit, bucket upserts), so a backlog is
         * caught up rather than growing; the measurements behind the default are in docs/benchmarks.md.
         */
        @WithDefault("2000")
        int batchSize();

        /**
         * After a read that returned fewer than {@link #batchSize()} entries, how long a worker waits before its
         * next read so that it gathers what arrives meanwhile: at a low rate every read would otherwise bring one
         * or two entries, each paying a transaction, CPU the request path needs on a small node. Batches that
         * commit meanwhile are acknowledged at once; a full batch is read again at once. {@code 0} reads at once.
         */
        @WithDefault("50ms")
        Duration linger();

        /** Consumer threads in this process, each with its own consumer name and transaction. */
        @WithDefault("2")
        int workers();

        /**
         * Batches one worker may have read but not yet committed: while one batch's transaction is in
         * flight the worker already reads and parses the next. Each in-flight batch holds a connection.
         */
        @WithDefault("2")
        int maxInFlight();

        @WithDefault("1s")
        Duration block();

        /** Pending entries idle this long belong to a dead consumer and are reclaimed (XAUTOCLAIM). */
        @WithDefault("60s")
        Duration claimMinIdle();

        @WithDefault("10s")
        Duration claimInterval();

        @WithDefault("100000")
        long deadLetterMaxLen();

        /** Events whose created_at lies further in the future than this are poison (clock skew bound). */
        @WithDefault("1h")
        Duration maxFutureSkew();
    }

    interface Storage {
        @WithDefault("30")
        int generationRetentionDays();

        @WithDefault("3")
        int minuteRetentionDays();

        @WithDefault("90")
        int hourRetentionDays();

        @WithDefault("400")
        int dayRetentionDays();

        /** Daily partitions created ahead of today. */
        @WithDefault("3")
        int partitionsAhead();

        @WithDefault("1h")
        Duration maintenanceInterval();

        /** How often dirty hours are re-rolled from minutes (and their days from hours). */
        @WithDefault("30s")
        Duration rollupInterval();
    }

    interface Query {
        /** Longest range per granularity; longer ranges are cut to the most recent part (capped=true). */
        @WithDefault("24h")
        Duration maxMinuteRange();

        @WithDefault("31d")
        Duration maxHourRange();

        @WithDefault("400d")
        Duration maxDayRange();

        /** Recent generations listed by the dashboard table. */
        @WithDefault("50")
        int recentLimit();
    }

    interface Health {
        @WithDefault("5s")
        Duration cacheTtl();
    }
}
