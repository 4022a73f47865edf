package io.llmgateway.catalog.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads the entries of the price table the gateway serves (modes {@code chat} and {@code embedding}),
 * each with the model id the normaliser gives it, and says why every other priced entry is left out:
 * nothing priced by the data is dropped without a reason the import logs.
 */
public final class SeedEntries {

    public static final String CHAT = "chat";
    public static final String EMBEDDING = "embedding";
    public static final String ROUTER = "router";
    /** OpenRouter's output modality of embedding models. */
    public static final String EMBEDDINGS_MODALITY = "embeddings";
    private static final String OPENROUTER = "openrouter";
    /** OpenRouter's routers, listed by the table as if they were models of a provider called OpenRouter. */
    public static final Set<String> ROUTERS = Set.of("openrouter/auto", "openrouter/free", "openrouter/bodybuilder",
            "switchpoint/router");

    /** One served entry: its key, provider-side name and normalised id, provider and kind. */
    public record Candidate(String key, ModelNameNormalizer.Name name, String litellmProvider, JsonNode spec,
            String kind) {
    }

    /**
     * @param skipped reason -> keys of the priced entries left out for it
     */
    public record Entries(List<Candidate> candidates, Set<String> openRouterIds, Map<String, List<String>> skipped) {
    }

    private SeedEntries() {
    }

    public static Entries read(JsonNode root) {
        List<Candidate> candidates = new ArrayList<>();
        Set<String> openRouterIds = new TreeSet<>();
        Map<String, List<String>> skipped = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            String key = entry.getKey();
            JsonNode spec = entry.getValue();
            if (!spec.isObject() || !spec.has("litellm_provider")) {
                continue; // sample_spec, last_updated: not models
            }
            String litellm = spec.path("litellm_provider").asText("");
            String mode = spec.path("mode").asText("");
            String reason = reasonToSkip(key, litellm, mode, spec);
            if (reason != null) {
                if (priced(spec)) {
                    skipped.computeIfAbsent(reason, r -> new ArrayList<>()).add(key);
                }
                continue;
            }
            ModelNameNormalizer.Name name = ModelNameNormalizer.normalize(key, litellm);
            if (name.providerModel().isBlank() || name.providerModel().endsWith("/")) {
                skipped.computeIfAbsent("no model name after the provider prefix", r -> new ArrayList<>()).add(key);
                continue;
            }
            if (OPENROUTER.equals(litellm)) {
                // OpenRouter's own spelling is canonical: no rule rewrites it (a ":variant" shares its model)
                String id = name.providerModel().toLowerCase(Locale.ROOT).replaceAll(":.*$", "");
                name = new ModelNameNormalizer.Name(name.providerModel(), id);
                openRouterIds.add(id);
            }
            candidates.add(new Candidate(key, name, litellm, spec, EMBEDDING.equals(mode) ? EMBEDDING : CHAT));
        }
        return new Entries(candidates, openRouterIds, skipped);
    }

    private static String reasonToSkip(String key, String litellm, String mode, JsonNode spec) {
        if (!CHAT.equals(mode) && !EMBEDDING.equals(mode)) {
            return "mode '" + mode + "' is not served by the gateway";
        }
        if (litellm.isEmpty()) {
            return "no litellm_provider";
        }
        if (key.startsWith("ft:")) {
            return "fine-tuning template (ft:...), not a model";
        }
        if (OPENROUTER.equals(litellm) && ROUTERS.contains(key.substring(key.indexOf('/') + 1).toLowerCase(Locale.ROOT))) {
            return "a router, not a model (openrouter/auto and openrouter/free are listed as router pseudo-models)";
        }
        if (!validPrices(spec, EMBEDDING.equals(mode))) {
            return "no valid published price (would route as free)";
        }
        return null;
    }

    /**
     * An entry without a published prompt (and, for chat, completion) price cannot be billed honestly: it
     * would look free and win every price-weighted routing decision. Embeddings have no completion.
     */
    static boolean validPrices(JsonNode spec, boolean embedding) {
        List<String> fields = embedding ? List.of("input_cost_per_token")
                : List.of("input_cost_per_token", "output_cost_per_token");
        for (String field : fields) {
            JsonNode value = spec.get(field);
            if (value == null || !value.isNumber() || value.decimalValue().signum() < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean priced(JsonNode spec) {
        Iterator<String> names = spec.fieldNames();
        while (names.hasNext()) {
            String field = names.next();
            if (field.contains("cost_per") && spec.get(field).isNumber()) {
                return true;
            }
        }
        return false;
    }
}
