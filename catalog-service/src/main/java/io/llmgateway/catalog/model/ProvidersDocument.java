package io.llmgateway.catalog.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigDecimal;
import java.util.List;

/**
 * Content of a catalog ConfigMap's {@code providers.yaml} / {@code providers.json} key: providers and
 * their endpoints (overrides of seeded ones or new ones). Format documented in the module README.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = false)
public record ProvidersDocument(List<Provider> providers) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Provider(String slug, String name, String adapter, String baseUrl, Credential credential,
            Boolean trainsOnData, Boolean retainsPrompts, String status, List<Endpoint> endpoints) {
    }

    /** Secret name/key the key is mounted from, and the environment variable routing reads it as. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Credential(String env, Secret secret) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Secret(String name, String key) {
    }

    /** One endpoint; {@code id} defaults to {@code <provider>:<model>}, the id the seed import uses. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Endpoint(String id, String model, String providerModel, Integer contextLength,
            Integer maxCompletionTokens, String quantization, Pricing pricing, List<String> supportedParameters,
            Boolean enabled, String adapter, String baseUrl) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Pricing(BigDecimal prompt, BigDecimal completion, BigDecimal request, BigDecimal image,
            BigDecimal inputCacheRead, BigDecimal inputCacheWrite, BigDecimal internalReasoning) {
    }
}
