package io.llmgateway.contracts.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * Everything routing needs to choose an endpoint, answered by catalog's {@code GET /internal/snapshot}
 * (with an ETag of {@code version}). Routing keeps it in memory and refetches when a catalog event
 * announces a newer version. Provider credentials appear only as a reference, never as a value.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CatalogSnapshot(long version, List<Provider> providers, List<Model> models) {

    /**
     * @param adapter       {@code openai}, {@code anthropic} or {@code gemini}: the wire protocol
     * @param baseUrl       base URL including the API version path (e.g. {@code https://api.groq.com/openai/v1})
     * @param credentialRef name of the environment variable (filled from a Kubernetes Secret) holding
     *                      the provider key; null for providers that need none (the simulator)
     * @param zdr           the operator marked the provider zero-data-retention (request {@code provider.zdr});
     *                      false when absent (catalogs before issue 22)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Provider(String slug, String name, String adapter, String baseUrl, String credentialRef,
            boolean trainsOnData, boolean retainsPrompts, String status, boolean zdr) {

        /** A provider not marked zero-data-retention. */
        public Provider(String slug, String name, String adapter, String baseUrl, String credentialRef,
                boolean trainsOnData, boolean retainsPrompts, String status) {
            this(slug, name, adapter, baseUrl, credentialRef, trainsOnData, retainsPrompts, status, false);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Model(String id, String name, Integer contextLength, List<String> inputModalities,
            List<String> outputModalities, List<String> supportedParameters, List<Endpoint> endpoints) {
    }

    /**
     * One model served by one provider.
     *
     * @param id              stable endpoint id, unique in the catalog
     * @param providerModel   the provider's own name for the model, sent upstream
     * @param uptime30m       percent of successful calls over 30 min (null when unknown)
     * @param latencyP50Ms    median time to first token over 30 min (null when unknown)
     * @param throughputP50   median output tokens per second over 30 min (null when unknown)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Endpoint(String id, String provider, String providerModel, Integer contextLength,
            Integer maxCompletionTokens, String quantization, Pricing pricing, List<String> supportedParameters,
            boolean enabled, Double uptime30m, Double latencyP50Ms, Double throughputP50) {
    }
}
