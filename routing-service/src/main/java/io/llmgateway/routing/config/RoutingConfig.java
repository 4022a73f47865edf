package io.llmgateway.routing.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Every routing setting in one place. The {@link Upstream} group is the whole attempt budget: the
 * worst case a client waits is bounded by these numbers alone (see README "Attempt budget").
 */
@ConfigMapping(prefix = "gateway")
public interface RoutingConfig {

    RedisSettings redis();

    Catalog catalog();

    Auth auth();

    Metering metering();

    /** Largest accepted request body; bigger bodies get 413. */
    @WithDefault("4194304")
    int maxBodyBytes();

    Keys keys();

    Credits credits();

    Limits limits();

    Upstream upstream();

    Health health();

    Usage usage();

    Stream stream();

    AutoRouter autoRouter();

    /** {@code openrouter/auto} and {@code auto}: the models they choose among (see README "Auto router"). */
    interface AutoRouter {
        /**
         * The pool, best known first; models the catalog does not have are skipped, and when none of
         * them is there every chat model of the catalog is the pool.
         */
        @WithDefault("openai/gpt-4o-mini,openai/gpt-4.1-mini,openai/gpt-4o,anthropic/claude-3.5-haiku,"
                + "anthropic/claude-sonnet-4,google/gemini-2.5-flash,google/gemini-2.0-flash-001,"
                + "meta-llama/llama-3.3-70b-instruct,deepseek/deepseek-chat,mistralai/mistral-small-3.1-24b-instruct")
        java.util.List<String> models();
    }

    interface RedisSettings {
        Optional<String> prefix();

        /** Connections per event loop for per-request commands (see LoopRedis). */
        @WithDefault("8")
        int perLoopPoolSize();
    }

    interface Catalog {
        @WithDefault("http://localhost:8081")
        String url();

        /** Safety-net refetch (answered 304 when nothing changed); events normally trigger refetches. */
        @WithDefault("30s")
        Duration refreshInterval();
    }

    interface Auth {
        @WithDefault("http://localhost:8082")
        String url();
    }

    interface Metering {
        @WithDefault("http://localhost:8083")
        String url();
    }

    interface Keys {
        /** A cached key state is refetched after this, even without an event. */
        @WithDefault("60s")
        Duration ttl();

        /** How long an unknown key is remembered as unknown. */
        @WithDefault("5s")
        Duration negativeTtl();

        /**
         * Past twice the TTL, how long a request waits for auth's answer before it is served the state
         * held (an auth that accepts connections but does not answer would otherwise hold it for the
         * whole auth-call timeout).
         */
        @WithDefault("250ms")
        Duration staleWait();
    }

    interface Credits {
        /** Completion tokens expected when max_tokens is larger or absent. */
        @WithDefault("512")
        int typicalCompletionTokens();

        /** Pending counters expire so a crashed replica's reservations heal by themselves. */
        @WithDefault("600")
        int pendingTtlSeconds();

        /** How often summed reservation corrections are written to the pending counters. */
        @WithDefault("100ms")
        Duration settleInterval();

        /**
         * Optimistic admission: when this replica's last admission of the key showed room for at
         * least this many more reservations (and a tenth of the key's request limit), the upstream
         * call starts while the admission script is still on its way, and nothing reaches the client
         * before it answers. 0 turns it off: every request waits for admission first.
         */
        @WithDefault("100")
        int optimisticHeadroom();

        /**
         * Admission leases: at most this many requests (and a sixteenth of the key's requests per
         * minute) that one event loop of this replica reserves for a busy key in one script run, and
         * then admits without Redis (see AdmissionLeases). 0 turns leases off: every request runs the
         * admission script.
         */
        @WithDefault("64")
        int leaseRequests();
    }

    interface Limits {
        /** Requests per minute for keys whose state carries no rpm. */
        @WithDefault("600")
        int defaultRpm();

        @WithDefault("20")
        int freeRpm();

        @WithDefault("200")
        int freeDaily();
    }

    interface Upstream {
        @WithDefault("2s")
        Duration connectTimeout();

        /** A silent provider is cut after this and the request fails over. */
        @WithDefault("15s")
        Duration firstByteTimeout();

        /**
         * Whole non-streamed answer: a provider generating without streaming is silent until it is done,
         * so silence cannot be told from work before this.
         */
        @WithDefault("120s")
        Duration responseTimeout();

        /** The whole stream. */
        @WithDefault("300s")
        Duration totalTimeout();

        /** Longest silence between two stream chunks once tokens flow. */
        @WithDefault("30s")
        Duration interChunkTimeout();

        /**
         * Hard cap on the time before the first byte reaches the client, all attempts and waits included:
         * no attempt starts after it and a running attempt's timeout is cut to what is left.
         */
        @WithDefault("150s")
        Duration deadline();

        /**
         * Total upstream attempts for one request, across endpoints and models. Large enough to reach
         * every endpoint of a widely served model: failing endpoints answer fast or are skipped by their
         * open circuit, and {@link #deadline()} bounds the wait whatever this is.
         */
        @WithDefault("16")
        int maxAttempts();

        /** Attempts on one endpoint (1 = no retry on the same endpoint). */
        @WithDefault("2")
        int maxAttemptsPerEndpoint();

        @WithDefault("100ms")
        Duration backoffBase();

        @WithDefault("1s")
        Duration backoffMax();

        /** A Retry-After up to this is waited for on the same endpoint; longer ones fail over. */
        @WithDefault("2s")
        Duration retryAfterMax();

        /**
         * Connections kept per upstream host, per event loop (Quarkus runs two loops per core). With
         * {@link #http2()} each connection carries many calls, as many as the provider allows.
         */
        @WithDefault("256")
        int poolSize();

        /**
         * Speak HTTP/2 to providers (ALPN over TLS, prior knowledge over plain http): concurrent
         * calls share a few connections instead of holding one socket each, which is what lets one
         * instance keep 10,000 streams open under a 20,000 open-files limit. Off by default: for short
         * JSON calls HTTP/1.1 keep-alive costs less CPU per request.
         */
        @WithDefault("false")
        boolean http2();

        /** Concurrent calls per endpoint, and how many may queue behind them. */
        @WithDefault("512")
        int bulkhead();

        @WithDefault("1024")
        int bulkheadQueue();

        CircuitBreaker circuitBreaker();
    }

    interface CircuitBreaker {
        @WithDefault("10")
        int requestVolume();

        @WithDefault("0.5")
        double failureRatio();

        @WithDefault("10s")
        Duration delay();

        @WithDefault("2")
        int successThreshold();
    }

    interface Health {
        /** Failures within the window (shared by all replicas through Redis) that mark an endpoint unhealthy. */
        @WithDefault("3")
        int minFailures();

        @WithDefault("0.3")
        double failureRatio();

        @WithDefault("1s")
        Duration pollInterval();
    }

    interface Usage {
        /** Events kept in memory while Redis is unreachable; beyond this they go to the spill file. */
        @WithDefault("50000")
        int queueCapacity();

        @WithDefault("256")
        int batchSize();

        /**
         * Partitions of the usage stream ({@code gw:usage:{p<n>}}; 1 is the single stream {@code gw:usage}). Each
         * has its own hash tag, so a Redis Cluster spreads them, and the XADD load, over its masters; an account's
         * events always go to the same one. Auth and metering must be given the same number.
         */
        @WithDefault("1")
        int partitions();

        @WithDefault("${java.io.tmpdir}/routing-usage-spill")
        String spillDir();

        /**
         * Append each usage event to a journal in {@link #spillDir()} before its answer's last byte, until Redis
         * has it, so a killed process's answers are still billed after its restart (a page-cache write per
         * answer; the directory must outlive the process: an emptyDir survives a container restart).
         */
        @WithDefault("true")
        boolean journal();

        /** Safety cap only: in normal operation the trimmer keeps just what a consumer group still needs. */
        @WithDefault("1000000")
        long streamMaxLen();

        /** Consumer groups that must have read (and acknowledged) an entry before it is trimmed. */
        @WithDefault("auth,metering")
        java.util.List<String> consumerGroups();

        /**
         * How often entries every group has acknowledged are trimmed from the usage stream (0 = never).
         * Often, so each XTRIM frees little: Redis is single-threaded, and one large trim holds it, in
         * front of every admission (measured in docs/benchmarks.md).
         */
        @WithDefault("1s")
        Duration trimInterval();
    }

    interface Stream {
        /** Delay of the first ": OPENROUTER PROCESSING" line; before it, failures still get a real status. */
        @WithDefault("1s")
        Duration firstKeepalive();

        @WithDefault("1s")
        Duration keepaliveInterval();
    }
}
