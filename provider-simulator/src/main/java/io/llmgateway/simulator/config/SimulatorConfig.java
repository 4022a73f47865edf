package io.llmgateway.simulator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Settings of the simulator process itself; per-provider behaviour is set at run time through /sim. */
@ConfigMapping(prefix = "gateway")
public interface SimulatorConfig {

    @WithName("simulator")
    Simulator simulator();

    interface Simulator {
        /** Upper bound of output_tokens a provider may be configured with (bounds the pre-tokenized filler). */
        @WithDefault("65536")
        int maxOutputTokens();

        /** How many recent requests each provider's stats keep. */
        @WithDefault("1000")
        int statsHistory();

        /**
         * How many of those newest requests keep their headers, query and body: enough for a test to see what
         * reached the provider, few enough that a benchmark of large prompts does not fill the heap.
         */
        @WithDefault("200")
        int recordedRequests();

        /** Distinct prompt prefixes remembered per provider for cache usage; past it the memory starts over. */
        @WithDefault("100000")
        int cachePrefixes();
    }
}
