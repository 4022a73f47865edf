package io.llmgateway.catalog.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.catalog.persistence.EndpointEntity;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The seed import on the real data file, without a database: counts, merging, exact prices. */
class SeedCatalogTest {

    static SeedCatalog.Plan plan;
    static Map<String, EndpointEntity> endpoints;

    @BeforeAll
    static void load() {
        plan = SeedCatalog.load();
        endpoints = plan.endpoints().stream().collect(Collectors.toMap(e -> e.id, e -> e));
    }

    @Test
    void importsEnoughModelsAndProviders() {
        assertTrue(plan.models().size() >= 300, "models: " + plan.models().size());
        assertTrue(plan.providers().size() >= 30, "providers: " + plan.providers().size());
        Set<String> adapters = plan.providers().stream().map(p -> p.adapter).collect(Collectors.toSet());
        assertEquals(Set.of("openai", "anthropic", "gemini"), adapters);
        assertTrue(plan.providers().stream().allMatch(p -> p.slug.matches("[a-z0-9-]+")));
    }

    @Test
    void oneModelServedBySeveralProvidersIsOneModel() {
        String llama = "meta-llama/llama-3.3-70b-instruct";
        Set<String> providers = plan.endpoints().stream().filter(e -> e.modelId.equals(llama))
                .map(e -> e.providerSlug).collect(Collectors.toSet());
        assertTrue(providers.containsAll(Set.of("groq", "together", "fireworks")), providers.toString());
        assertEquals(1, plan.models().stream().filter(m -> m.id.equals(llama)).count());

        EndpointEntity groq = endpoints.get("groq:" + llama);
        assertEquals("llama-3.3-70b-versatile", groq.providerModel);
        assertEquals(new BigDecimal("0.00000059"), groq.pricePrompt);
        assertEquals(new BigDecimal("0.00000079"), groq.priceCompletion);
        assertEquals(128000, groq.contextLength);
        assertEquals(32768, groq.maxCompletionTokens);
        assertEquals("meta-llama/Llama-3.3-70B-Instruct-Turbo", endpoints.get("together:" + llama).providerModel);
        assertEquals("accounts/fireworks/models/llama-v3p3-70b-instruct", endpoints.get("fireworks:" + llama).providerModel);
        assertEquals(new BigDecimal("0.0000009"), endpoints.get("fireworks:" + llama).pricePrompt);
    }

    @Test
    void pricesAreExactDecimals() {
        EndpointEntity claude = endpoints.get("anthropic:anthropic/claude-sonnet-4.5");
        assertEquals("claude-sonnet-4-5", claude.providerModel);
        assertEquals("0.000003", claude.pricePrompt.toPlainString());
        assertEquals("0.000015", claude.priceCompletion.toPlainString());
        assertEquals("0.0000003", claude.priceInputCacheRead.toPlainString());
        assertEquals("0.00000375", claude.priceInputCacheWrite.toPlainString());
        EndpointEntity gpt = endpoints.get("openai:openai/gpt-4o");
        assertEquals("0.0000025", gpt.pricePrompt.toPlainString());
        assertEquals("0.00001", gpt.priceCompletion.toPlainString());
        assertNull(gpt.priceInputCacheWrite);
        assertTrue(plan.endpoints().stream().allMatch(e -> e.pricePrompt.signum() >= 0 && e.priceCompletion.signum() >= 0));
    }

    @Test
    void adaptersFollowTheProvider() {
        Map<String, String> adapters = plan.providers().stream().collect(Collectors.toMap(p -> p.slug, p -> p.adapter));
        assertEquals("anthropic", adapters.get("anthropic"));
        assertEquals("gemini", adapters.get("google-ai-studio"));
        assertEquals("gemini", adapters.get("google-vertex"));
        assertEquals("openai", adapters.get("groq"));
        assertEquals("https://api.groq.com/openai/v1",
                plan.providers().stream().filter(p -> p.slug.equals("groq")).findFirst().orElseThrow().baseUrl);
    }

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource({
            "groq/llama-3.3-70b-versatile, groq, meta-llama/llama-3.3-70b-instruct",
            "bedrock/us.meta.llama3-1-8b-instruct-v1:0, bedrock, meta-llama/llama-3.1-8b-instruct",
            "vertex_ai/claude-3-5-sonnet@20240620, vertex_ai-anthropic_models, anthropic/claude-3.5-sonnet",
            "claude-4-opus-20250514, anthropic, anthropic/claude-opus-4",
            "fireworks_ai/accounts/fireworks/models/qwen2p5-72b-instruct, fireworks_ai, qwen/qwen2.5-72b-instruct",
            "together_ai/deepseek-ai/DeepSeek-R1, together_ai, deepseek/deepseek-r1",
            "gpt-4o-2024-08-06, openai, openai/gpt-4o" })
    void normalisesProviderNames(String name, String provider, String modelId) {
        assertEquals(modelId, ModelNameNormalizer.normalize(name, provider).modelId());
    }
}
