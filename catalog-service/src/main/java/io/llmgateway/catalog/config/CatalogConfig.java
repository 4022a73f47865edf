package io.llmgateway.catalog.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of catalog-service under {@code gateway.*}. The operator token ({@code gateway.operator-token}) is
 * read by the platform's operator filter.
 */
@ConfigMapping(prefix = "gateway")
public interface CatalogConfig {

    Redis redis();

    Simulator simulator();

    Metering metering();

    Catalog catalog();

    Kubernetes kubernetes();

    interface Redis {
        /** Prefix of every Redis key and stream (empty in production, unique per test run). */
        Optional<String> prefix();
    }

    interface Simulator {
        /** When set, every provider is served by the simulator at {@code {url}/p/{slug}/v1[beta]}, without key. */
        Optional<String> url();
    }

    interface Metering {
        /** Base URL of metering-service, source of endpoint health ({@code /internal/endpoint-health}). */
        @WithDefault("http://localhost:8083")
        String url();

        /** How often endpoint health is fetched. */
        @WithDefault("30s")
        Duration pollInterval();

        /** Whether health is fetched at all (off in tests that do not need it). */
        @WithDefault("true")
        boolean enabled();
    }

    interface Catalog {
        /** Approximate cap of the catalog-events stream. */
        @WithDefault("10000")
        long eventsMaxlen();

        /** Import the seed file at every start: fills an empty catalog, reconciles one imported by an older seed. */
        @WithDefault("true")
        boolean seedOnStart();

        /**
         * How often this replica checks the database version, to pick up changes committed by another
         * replica (the catalog-events stream also triggers it; this is the safety net).
         */
        @WithDefault("5s")
        Duration syncInterval();
    }

    interface Kubernetes {
        /** Watch provider ConfigMaps in this pod's namespace (true in the k8s manifests). */
        @WithDefault("false")
        boolean watch();

        /** Label selecting the ConfigMaps to watch, {@code key=value}. */
        @WithDefault("llm-gateway.io/catalog=true")
        String label();

        /** Namespace to watch; empty means the client's own namespace. */
        Optional<String> namespace();
    }
}
