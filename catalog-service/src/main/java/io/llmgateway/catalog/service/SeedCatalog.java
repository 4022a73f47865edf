package io.llmgateway.catalog.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.catalog.persistence.EndpointEntity;
import io.llmgateway.catalog.persistence.ModelEntity;
import io.llmgateway.catalog.persistence.ProviderEntity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import io.llmgateway.catalog.service.SeedEntries.Candidate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the LiteLLM price table shipped in the jar ({@code seed/model_prices.json}) and turns its
 * {@code mode: chat} entries into providers, models and endpoints (detached entities, nothing persisted
 * here). Prices are read from the JSON text as exact decimals, so 1.5e-07 stays 0.00000015.
 */
public final class SeedCatalog {

    public static final String RESOURCE = "seed/model_prices.json";
    public static final String SOURCE = "seed";

    /**
     * What the seed file describes, ready to be merged into the database.
     *
     * @param aliases every other name the rules found for a model (normalised id -> canonical id)
     * @param skipped reason -> priced entries of the file left out for it (logged by the import)
     */
    public record Plan(List<ProviderEntity> providers, List<ModelEntity> models, List<EndpointEntity> endpoints,
            Map<String, String> aliases, Map<String, List<String>> skipped) {

        public Plan(List<ProviderEntity> providers, List<ModelEntity> models, List<EndpointEntity> endpoints) {
            this(providers, models, endpoints, Map.of(), Map.of());
        }

        /** Models served by two or more endpoints (quarantined ones included): the import's headline count. */
        public long modelsWithSeveralEndpoints() {
            return endpoints.stream().collect(java.util.stream.Collectors.groupingBy(e -> e.modelId,
                    java.util.stream.Collectors.counting())).values().stream().filter(n -> n >= 2).count();
        }
    }

    private static final Pattern DATE = Pattern.compile("(20\\d{2})-?(\\d{2})-?(\\d{2})");
    private static final List<String> QUANTIZATIONS = List.of("mxfp4", "nvfp4", "fp4", "fp8", "fp16", "bf16", "int8", "int4");
    private static final Map<String, String> AUTHOR_NAMES = Map.ofEntries(
            Map.entry("meta-llama", "Meta"), Map.entry("openai", "OpenAI"), Map.entry("anthropic", "Anthropic"),
            Map.entry("google", "Google"), Map.entry("mistralai", "Mistral"), Map.entry("deepseek", "DeepSeek"),
            Map.entry("qwen", "Qwen"), Map.entry("x-ai", "xAI"), Map.entry("z-ai", "Z.AI"),
            Map.entry("moonshotai", "MoonshotAI"), Map.entry("minimax", "MiniMax"), Map.entry("cohere", "Cohere"),
            Map.entry("ai21", "AI21"), Map.entry("amazon", "Amazon"), Map.entry("microsoft", "Microsoft"),
            Map.entry("nousresearch", "Nous"), Map.entry("ibm", "IBM"));

    private SeedCatalog() {
    }

    public static Plan load() {
        try (InputStream in = SeedCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("seed file " + RESOURCE + " is missing from the classpath");
            }
            return build(new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("seed file " + RESOURCE + " unreadable", e);
        }
    }

    static Plan build(JsonNode root) {
        long defaultCreated = epochOf(root.path("last_updated").asText("2026-07-24"), 0);
        SeedEntries.Entries entries = SeedEntries.read(root);
        Map<String, String> aliasTable = CanonicalIds.loadAliasTable();
        List<Candidate> candidates = CanonicalIds.applyProviderAliases(DatedBuilds.separate(entries.candidates()), aliasTable);
        Map<String, Set<String>> providersById = new TreeMap<>();
        for (Candidate c : candidates) {
            providersById.computeIfAbsent(c.name().modelId(), m -> new TreeSet<>())
                    .add(ProviderDirectory.slugOf(c.litellmProvider()));
        }
        Map<String, String> canonical = CanonicalIds.resolve(providersById, entries.openRouterIds(),
                CanonicalIds.forAllProviders(aliasTable));
        // canonical model id -> provider slug -> candidate entries (one provider may list a model several times)
        Map<String, Map<String, List<Candidate>>> byModel = new TreeMap<>();
        Map<String, ProviderEntity> providers = new TreeMap<>();
        for (Candidate c : candidates) {
            String slug = ProviderDirectory.slugOf(c.litellmProvider());
            providers.computeIfAbsent(slug, s -> provider(ProviderDirectory.entryFor(c.litellmProvider())));
            byModel.computeIfAbsent(canonical.get(c.name().modelId()), m -> new TreeMap<>())
                    .computeIfAbsent(slug, s -> new ArrayList<>()).add(c);
        }
        Map<String, List<String>> skipped = new TreeMap<>(entries.skipped());
        List<ModelEntity> models = new ArrayList<>();
        List<EndpointEntity> endpoints = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<Candidate>>> model : byModel.entrySet()) {
            ModelParts parts = new ModelParts();
            for (Map.Entry<String, List<Candidate>> perProvider : model.getValue().entrySet()) {
                // Shortest provider name wins: the plain name over regional or dated aliases of the same model.
                List<Candidate> names = new ArrayList<>(perProvider.getValue());
                names.sort(Comparator.comparingInt((Candidate c) -> c.name().providerModel().length())
                        .thenComparing(c -> c.name().providerModel()));
                Candidate best = names.get(0);
                names.subList(1, names.size()).forEach(other -> skipped.computeIfAbsent(
                        "another name of a model the same provider already serves (regional, dated or variant)",
                        r -> new ArrayList<>()).add(other.key() + " (kept " + best.key() + ")"));
                EndpointEntity endpoint = endpoint(model.getKey(), perProvider.getKey(), best);
                parts.add(endpoint, best, perProvider.getValue().stream().mapToLong(c -> epochOf(c.key(), Long.MAX_VALUE))
                        .min().orElse(Long.MAX_VALUE));
            }
            endpoints.addAll(parts.endpoints);
            models.add(model(model.getKey(), parts.created == Long.MAX_VALUE ? defaultCreated : parts.created, parts));
        }
        models.addAll(RouterModels.all(defaultCreated));
        Map<String, String> aliases = new TreeMap<>();
        canonical.forEach((id, target) -> {
            if (!id.equals(target) && !byModel.containsKey(id)) {
                aliases.put(id, target);
            }
        });
        return new Plan(new ArrayList<>(providers.values()), models, endpoints, aliases, skipped);
    }

    /** What a model's endpoints add up to: modalities, parameters, longest context, earliest date. */
    private static final class ModelParts {
        final List<EndpointEntity> endpoints = new ArrayList<>();
        final Set<String> inputs = new LinkedHashSet<>(List.of("text"));
        final Set<String> outputs = new LinkedHashSet<>();
        final Set<String> params = new LinkedHashSet<>();
        long created = Long.MAX_VALUE;
        Integer context;
        String kind = SeedEntries.EMBEDDING;

        void add(EndpointEntity endpoint, Candidate best, long dated) {
            endpoints.add(endpoint);
            JsonNode spec = best.spec();
            if (SeedEntries.CHAT.equals(best.kind())) {
                kind = SeedEntries.CHAT;
                outputs.add("text");
            }
            if (spec.path("supports_vision").asBoolean() || spec.path("supports_image_input").asBoolean()) {
                inputs.add("image");
            }
            if (spec.path("supports_pdf_input").asBoolean()) {
                inputs.add("file");
            }
            if (spec.path("supports_audio_input").asBoolean()) {
                inputs.add("audio");
            }
            if (spec.path("supports_audio_output").asBoolean()) {
                outputs.add("audio");
            }
            params.addAll(CatalogText.split(endpoint.supportedParameters));
            created = Math.min(created, dated);
            if (endpoint.contextLength != null && (context == null || endpoint.contextLength > context)) {
                context = endpoint.contextLength;
            }
        }
    }

    private static ProviderEntity provider(ProviderDirectory.Entry entry) {
        ProviderEntity p = new ProviderEntity();
        p.slug = entry.slug();
        p.name = entry.name();
        p.adapter = entry.adapter();
        p.baseUrl = entry.baseUrl();
        p.credentialEnv = entry.credentialEnv();
        p.trainsOnData = false;
        p.retainsPrompts = false;
        p.status = "active";
        p.source = SOURCE;
        return p;
    }

    private static EndpointEntity endpoint(String modelId, String providerSlug, Candidate c) {
        JsonNode spec = c.spec();
        EndpointEntity e = new EndpointEntity();
        e.id = providerSlug + ":" + modelId;
        e.modelId = modelId;
        e.providerSlug = providerSlug;
        e.providerModel = c.name().providerModel();
        e.contextLength = positiveInt(spec, "max_input_tokens", "max_tokens");
        e.maxCompletionTokens = positiveInt(spec, "max_output_tokens", "max_tokens");
        e.quantization = quantizationOf(providerSlug, e.providerModel);
        e.adapter = ProviderDirectory.endpointAdapterOf(c.litellmProvider(), modelId);
        String protocol = e.adapter != null ? e.adapter : ProviderDirectory.adapterOf(c.litellmProvider());
        e.pricePrompt = price(spec, "input_cost_per_token", BigDecimal.ZERO);
        e.priceCompletion = price(spec, "output_cost_per_token", BigDecimal.ZERO);
        e.priceRequest = price(spec, "input_cost_per_request", BigDecimal.ZERO);
        e.priceImage = price(spec, "input_cost_per_image", BigDecimal.ZERO);
        e.priceInputCacheRead = price(spec, "cache_read_input_token_cost", null);
        e.priceInputCacheWrite = price(spec, "cache_creation_input_token_cost", null);
        e.priceInternalReasoning = price(spec, "output_cost_per_reasoning_token", null);
        e.supportedParameters = SeedEntries.EMBEDDING.equals(c.kind()) ? "dimensions,encoding_format"
                : String.join(",", parameters(protocol, spec));
        e.enabled = true;
        e.source = SOURCE;
        return e;
    }

    private static ModelEntity model(String id, long created, ModelParts parts) {
        List<EndpointEntity> endpoints = parts.endpoints;
        ModelEntity m = new ModelEntity();
        m.id = id;
        m.canonicalSlug = id;
        String author = id.substring(0, id.indexOf('/'));
        String slug = id.substring(id.indexOf('/') + 1);
        m.name = AUTHOR_NAMES.getOrDefault(author, ProviderDirectory.displayName(author)) + ": " + title(slug);
        List<String> served = endpoints.stream().map(e -> e.providerSlug).toList();
        m.description = m.name + ", served by " + served.size() + (served.size() == 1 ? " provider: " : " providers: ")
                + String.join(", ", served) + ".";
        m.created = created;
        m.contextLength = parts.context;
        m.inputModalities = String.join(",", parts.inputs);
        if (SeedEntries.EMBEDDING.equals(parts.kind)) {
            parts.outputs.add(SeedEntries.EMBEDDINGS_MODALITY);
        }
        m.outputModalities = String.join(",", parts.outputs);
        m.kind = parts.kind;
        m.tokenizer = tokenizerOf(author, slug);
        m.supportedParameters = String.join(",", CatalogText.orderParameters(parts.params));
        m.enabled = true;
        m.source = SOURCE;
        return m;
    }

    static List<String> parameters(String adapter, JsonNode spec) {
        List<String> params = new ArrayList<>(List.of("max_tokens", "temperature", "top_p", "stop"));
        if (ProviderDirectory.OPENAI.equals(adapter)) {
            params.addAll(List.of("frequency_penalty", "presence_penalty", "seed"));
        } else {
            params.add("top_k");
        }
        if (spec.path("supports_function_calling").asBoolean()) {
            params.add("tools");
        }
        if (spec.path("supports_tool_choice").asBoolean()) {
            params.add("tool_choice");
        }
        if (spec.path("supports_response_schema").asBoolean()) {
            params.addAll(List.of("response_format", "structured_outputs"));
        }
        if (spec.path("supports_reasoning").asBoolean()) {
            params.addAll(List.of("reasoning", "include_reasoning"));
        }
        return CatalogText.orderParameters(params);
    }

    private static BigDecimal price(JsonNode spec, String field, BigDecimal fallback) {
        JsonNode value = spec.get(field);
        if (value == null || !value.isNumber()) {
            return fallback;
        }
        return CatalogText.published(value.decimalValue());
    }

    private static Integer positiveInt(JsonNode spec, String field, String fallbackField) {
        JsonNode value = spec.get(field);
        if (value == null || !value.isNumber()) {
            value = spec.get(fallbackField);
        }
        if (value == null || !value.isNumber() || value.asLong() <= 0 || value.asLong() > Integer.MAX_VALUE) {
            return null;
        }
        return value.asInt();
    }

    /**
     * The quantisation a provider's name says: written out ({@code -FP8}, {@code mxfp4}), or Together's
     * serving tiers, which are the same model at a documented precision ({@code -Turbo} FP8, {@code -Lite} INT4)
     * and so an endpoint's property, not another model.
     */
    static String quantizationOf(String providerSlug, String providerModel) {
        String lower = providerModel.toLowerCase(Locale.ROOT);
        for (String q : QUANTIZATIONS) {
            if (lower.contains(q)) {
                return q;
            }
        }
        if ("together".equals(providerSlug)) {
            return lower.endsWith("-turbo") ? "fp8" : lower.endsWith("-lite") ? "int4" : null;
        }
        return null;
    }

    private static long epochOf(String text, long fallback) {
        Matcher m = DATE.matcher(text);
        while (m.find()) {
            try {
                return LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)))
                        .atStartOfDay().toEpochSecond(ZoneOffset.UTC);
            } catch (RuntimeException notADate) {
                // 8 digits that are no calendar date (a build number): look further
            }
        }
        return fallback;
    }

    private static String tokenizerOf(String author, String slug) {
        return switch (author) {
            case "openai" -> "GPT";
            case "anthropic" -> "Claude";
            case "google" -> slug.startsWith("gemma") ? "Gemma" : "Gemini";
            case "meta-llama" -> slug.startsWith("llama-2") ? "Llama2" : slug.startsWith("llama-4") ? "Llama4" : "Llama3";
            case "qwen" -> slug.startsWith("qwen3") ? "Qwen3" : "Qwen";
            case "deepseek" -> "DeepSeek";
            case "mistralai" -> "Mistral";
            case "x-ai" -> "Grok";
            case "cohere" -> "Cohere";
            case "amazon" -> "Nova";
            default -> "Other";
        };
    }

    static String title(String slug) {
        StringBuilder out = new StringBuilder();
        for (String word : slug.split("-")) {
            if (word.isEmpty()) {
                continue;
            }
            String shown;
            if (word.matches("\\d+(\\.\\d+)?[bmk]") || word.matches("\\d+x\\d+b") || word.matches("a\\d+b")
                    || word.equals("gpt") || word.equals("oss") || word.equals("glm") || word.equals("vl")) {
                shown = word.toUpperCase(Locale.ROOT);
            } else {
                shown = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            }
            out.append(out.isEmpty() ? "" : " ").append(shown);
        }
        return out.toString();
    }
}
