package io.llmgateway.contracts.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.contracts.WireRecord;
import java.util.List;
import java.util.Map;

/**
 * Everything routing needs to choose an endpoint, answered by catalog's {@code GET /internal/snapshot}
 * (with an ETag of {@code version}). Routing keeps it in memory and refetches when a catalog event
 * announces a newer version. Provider credentials appear only as a reference, never as a value.
 */
@WireRecord
public record CatalogSnapshot(long version, List<Provider> providers, List<Model> models, Map<String, String> aliases,
        List<Preset> presets) {

    /**
     * Only routable endpoints are listed: disabled ones, those of disabled providers and models, and
     * quarantined ones (prices an operator has not confirmed) are left out. Models include embedding
     * models ({@code output_modalities} contains {@code embeddings}); router pseudo-models
     * ({@code openrouter/auto}, {@code openrouter/free}) are not models here.
     *
     * @param aliases other names of models, each mapped to a model id of {@code models}: ids older imports used
     *                ({@code z-ai/glm-4p5}), the reviewed alias table, and {@code ~author/family-latest}
     *                ({@code ~anthropic/claude-sonnet-latest}); empty from a catalog that predates them
     * @param presets every account's presets (issue 21), latest version; empty from a catalog that predates them
     */
    public CatalogSnapshot {
        aliases = aliases == null ? Map.of() : aliases;
        presets = presets == null ? List.of() : presets;
    }

    /** A snapshot without aliases and presets (what catalogs before issue 21 answered). */
    public CatalogSnapshot(long version, List<Provider> providers, List<Model> models) {
        this(version, providers, models, Map.of(), List.of());
    }

    /** The model id a requested name stands for: itself, or the model an alias points at. */
    public String resolve(String requested) {
        return aliases.getOrDefault(requested, requested);
    }

    /**
     * @param adapter       {@code openai}, {@code anthropic} or {@code gemini}: the wire protocol
     * @param baseUrl       base URL including the API version path (e.g. {@code https://api.groq.com/openai/v1})
     * @param credentialRef name of the environment variable (filled from a Kubernetes Secret) holding
     *                      the provider key; null for providers that need none (the simulator)
     * @param zdr           the operator marked the provider zero-data-retention (request {@code provider.zdr});
     *                      false when absent (catalogs before issue 22)
     */
    @WireRecord
    public record Provider(String slug, String name, String adapter, String baseUrl, String credentialRef,
            boolean trainsOnData, boolean retainsPrompts, String status, boolean zdr) {

        /** A provider not marked zero-data-retention. */
        public Provider(String slug, String name, String adapter, String baseUrl, String credentialRef,
                boolean trainsOnData, boolean retainsPrompts, String status) {
            this(slug, name, adapter, baseUrl, credentialRef, trainsOnData, retainsPrompts, status, false);
        }
    }

    @WireRecord
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
     * @param adapter         the wire protocol this endpoint speaks ({@code openai}, {@code anthropic},
     *                        {@code gemini}) when it differs from its provider's (Vertex serves Claude in
     *                        Anthropic's protocol, Bedrock and Azure by model family); null = the provider's
     * @param baseUrl         where this endpoint's protocol is served when that is not the provider's
     *                        {@code base_url} (a Claude endpoint of Vertex: the simulator's {@code /p/google-vertex/v1},
     *                        or the operator's URL); null = the provider's
     */
    @WireRecord
    public record Endpoint(String id, String provider, String providerModel, Integer contextLength,
            Integer maxCompletionTokens, String quantization, Pricing pricing, List<String> supportedParameters,
            boolean enabled, Double uptime30m, Double latencyP50Ms, Double throughputP50, String adapter,
            String baseUrl) {

        /** An endpoint served at its provider's base URL. */
        public Endpoint(String id, String provider, String providerModel, Integer contextLength,
                Integer maxCompletionTokens, String quantization, Pricing pricing, List<String> supportedParameters,
                boolean enabled, Double uptime30m, Double latencyP50Ms, Double throughputP50, String adapter) {
            this(id, provider, providerModel, contextLength, maxCompletionTokens, quantization, pricing,
                    supportedParameters, enabled, uptime30m, latencyP50Ms, throughputP50, adapter, null);
        }

        /** The endpoint without a protocol of its own (it speaks its provider's). */
        public Endpoint(String id, String provider, String providerModel, Integer contextLength,
                Integer maxCompletionTokens, String quantization, Pricing pricing, List<String> supportedParameters,
                boolean enabled, Double uptime30m, Double latencyP50Ms, Double throughputP50) {
            this(id, provider, providerModel, contextLength, maxCompletionTokens, quantization, pricing,
                    supportedParameters, enabled, uptime30m, latencyP50Ms, throughputP50, null, null);
        }
    }

    /**
     * A preset: a named, versioned request template of one account, applied by routing to
     * {@code model: "@preset/slug"}, {@code "author/slug@preset/slug"} and {@code "preset": "slug"}.
     *
     * @param accountId the owner (auth-service account id); a preset applies only to that account's keys
     * @param config    the template: any of {@code models} (model then fallbacks), {@code provider},
     *                  {@code system_prompt}, {@code temperature}, {@code top_p}, {@code top_k},
     *                  {@code frequency_penalty}, {@code presence_penalty}, {@code repetition_penalty},
     *                  {@code min_p}, {@code top_a}, {@code seed}, {@code max_tokens}, {@code stop},
     *                  {@code reasoning}, {@code transforms}, {@code response_format}, {@code plugins};
     *                  request fields override them
     */
    @WireRecord
    public record Preset(String accountId, String slug, int version, String name, JsonNode config) {
    }
}
