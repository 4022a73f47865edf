package io.llmgateway.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of auth-service under {@code gateway.*}. The operator token ({@code gateway.operator-token}) is
 * read by the platform's operator filter.
 */
@ConfigMapping(prefix = "gateway")
public interface AuthConfig {

    Redis redis();

    Usage usage();

    KeyEvents keyEvents();

    Free free();

    interface Redis {
        /** Prefix of every Redis key and stream (empty in production, unique per test run). */
        Optional<String> prefix();
    }

    interface Usage {
        /** Whether this process debits usage events (off only for tools that must not consume). */
        @WithDefault("true")
        boolean enabled();

        /**
         * Partitions of the usage stream, the same number routing publishes across; group {@code auth} reads
         * every one, one thread per partition (an account's events all sit in one partition, in order).
         */
        @WithDefault("1")
        int partitions();

        /** How long one blocking read of the usage stream waits for new entries. */
        @WithDefault("2s")
        Duration block();

        /**
         * Entries per read or claim of the usage stream, settled together in one transaction. A read returns what
         * is there, so a large value adds no latency when the stream is quiet; under a backlog it amortizes the
         * transaction's round trips (docs/benchmarks.md, "auth-service settlement"). With the whole product on one
         * machine, 200 meant 50 or more transactions a second at 10,000 requests a second, each with its fixed
         * round trips and key events; 1,000 lets the linger gather a load's events into a few (docs/benchmarks.md,
         * "Whole product").
         */
        @WithDefault("1000")
        int batch();

        /**
         * After a read that returned fewer than {@link #batch()} entries, how long to wait before the next read so
         * that it gathers what arrives meanwhile: at a low request rate every read would otherwise bring one or
         * two entries, each paying a transaction and key events, CPU the request path needs on a small node. A
         * full batch is read again at once, so a backlog is not slowed. {@code 0} reads at once.
         */
        @WithDefault("50ms")
        Duration linger();

        /**
         * Deliveries after which an entry the database keeps rejecting is dead-lettered instead of retried.
         * Entries that fail because PostgreSQL or Redis is unreachable are never capped: they wait.
         */
        @WithDefault("10")
        int maxDeliveries();

        /** A pending entry idle this long belonged to a dead consumer and is taken over. */
        @WithDefault("30s")
        Duration claimMinIdle();

        /** How often pending entries of dead consumers are looked for. */
        @WithDefault("10s")
        Duration claimInterval();
    }

    interface Free {
        /**
         * Requests per key and UTC day to {@code :free} models, shown in {@code GET /api/v1/key}. Defaults to
         * routing's {@code gateway.limits.free-daily} (which enforces it) when that is set, else 200.
         */
        @WithDefault("${gateway.limits.free-daily:200}")
        int dailyLimit();
    }

    interface KeyEvents {
        /** Approximate cap of the key-events stream. */
        @WithDefault("100000")
        long maxlen();
    }
}
