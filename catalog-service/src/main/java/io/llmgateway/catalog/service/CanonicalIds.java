package io.llmgateway.catalog.service;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Decides the one id of each real model among the names the normaliser produced, in this order:
 * <ol>
 * <li>the reviewed alias table {@code seed/model-aliases.txt} (what rules cannot decide), for every
 * spelling with the same loose key as its left side; a left side {@code provider:id} speaks for that
 * provider's name only and is applied before ({@link #applyProviderAliases});</li>
 * <li>ids with the same {@link ModelNameNormalizer#looseKey} are one model: OpenRouter's own id wins,
 * else the id most providers use, else the one written with dots, then dashes, then the shorter;</li>
 * <li>a chat name without {@code -instruct}, {@code -it} or {@code -chat} ({@code qwen/qwen2.5-72b}) is the
 * tuned model of that name when no provider lists both spellings (a provider listing both serves two
 * models: a base and a tuned one);</li>
 * <li>an id filed under a provider instead of a maker ({@code fireworks/...}) joins the one maker's model
 * with the same loose slug, when exactly one exists.</li>
 * </ol>
 */
public final class CanonicalIds {

    public static final String ALIAS_RESOURCE = "seed/model-aliases.txt";

    private CanonicalIds() {
    }

    /**
     * @param providersById normalised id -> the providers listing it
     * @param openRouterIds ids spelled by OpenRouter itself (canonical by definition)
     * @return every given id -> its canonical id (itself when it is canonical)
     */
    public static Map<String, String> resolve(Map<String, Set<String>> providersById, Set<String> openRouterIds,
            Map<String, String> aliasTable) {
        // the table speaks for every spelling of its left side (deepseek/v3 as well as deepseek/deepseek-v3)
        Map<String, String> tableByLooseKey = new HashMap<>();
        aliasTable.forEach((from, to) -> tableByLooseKey.put(ModelNameNormalizer.looseKey(from), to));
        Map<String, String> tabled = new HashMap<>();
        providersById.keySet().forEach(id -> tabled.put(id, aliasTable.getOrDefault(id,
                tableByLooseKey.getOrDefault(ModelNameNormalizer.looseKey(id), id))));
        Map<String, Integer> providerCount = new HashMap<>();
        providersById.forEach((id, providers) -> providerCount.merge(tabled.get(id), providers.size(), Integer::sum));
        Map<String, List<String>> groups = tabled.values().stream().distinct()
                .collect(Collectors.groupingBy(ModelNameNormalizer::looseKey, TreeMap::new, Collectors.toList()));
        Map<String, String> winner = new HashMap<>();
        groups.values().forEach(group -> {
            String best = group.stream().min(preference(openRouterIds, providerCount)).orElseThrow();
            group.forEach(id -> winner.put(id, best));
        });
        mergeTunedSpellings(winner, providersById, tabled, openRouterIds, providerCount);
        Map<String, List<String>> makersBySlug = winner.values().stream().distinct()
                .filter(id -> ModelNameNormalizer.knownMaker(author(id)) || openRouterIds.contains(id))
                .collect(Collectors.groupingBy(id -> ModelNameNormalizer.looseSlug(slug(id))));
        Map<String, String> out = new TreeMap<>();
        tabled.forEach((id, mapped) -> {
            String canonical = winner.get(mapped);
            if (!ModelNameNormalizer.knownMaker(author(canonical)) && !openRouterIds.contains(canonical)) {
                List<String> makers = makersBySlug.getOrDefault(ModelNameNormalizer.looseSlug(slug(canonical)), List.of());
                if (makers.size() == 1) {
                    canonical = makers.get(0);
                }
            }
            out.put(id, canonical);
        });
        return out;
    }

    /** A table line's left side {@code <provider slug>:<normalised id>}: one provider's name only. */
    private static final java.util.regex.Pattern PROVIDER_QUALIFIED = java.util.regex.Pattern.compile("^[a-z0-9-]+:[^/]+/.+$");

    /** The table's lines that speak for every provider's spelling (what {@link #resolve} takes). */
    public static Map<String, String> forAllProviders(Map<String, String> aliasTable) {
        Map<String, String> out = new TreeMap<>(aliasTable);
        out.keySet().removeIf(from -> PROVIDER_QUALIFIED.matcher(from).matches());
        return out;
    }

    /**
     * Gives each candidate named by a provider-qualified line ({@code azure:mistralai/mistral-small}) that
     * line's model id; other providers' same spelling is untouched. The provider's name stays its
     * {@code provider_model}.
     */
    static List<SeedEntries.Candidate> applyProviderAliases(List<SeedEntries.Candidate> candidates,
            Map<String, String> aliasTable) {
        return candidates.stream().map(c -> {
            String target = aliasTable.get(ProviderDirectory.slugOf(c.litellmProvider()) + ":" + c.name().modelId());
            return target == null ? c : new SeedEntries.Candidate(c.key(),
                    new ModelNameNormalizer.Name(c.name().providerModel(), target), c.litellmProvider(), c.spec(), c.kind());
        }).toList();
    }

    private static final java.util.regex.Pattern TUNED = java.util.regex.Pattern.compile("-(instruct|it|chat)(?=-|$)");

    /** Rule 3: joins spellings that differ only by a tuning word, unless one provider lists both. */
    private static void mergeTunedSpellings(Map<String, String> winner, Map<String, Set<String>> providersById,
            Map<String, String> tabled, Set<String> openRouterIds, Map<String, Integer> providerCount) {
        Map<String, Set<String>> providersOfWinner = new HashMap<>();
        providersById.forEach((id, providers) -> providersOfWinner
                .computeIfAbsent(winner.get(tabled.get(id)), k -> new java.util.HashSet<>()).addAll(providers));
        Map<String, List<String>> byUntuned = providersOfWinner.keySet().stream()
                .collect(Collectors.groupingBy(id -> ModelNameNormalizer.looseKey(TUNED.matcher(id).replaceAll("")),
                        TreeMap::new, Collectors.toList()));
        for (List<String> group : byUntuned.values()) {
            if (group.size() < 2 || group.stream().noneMatch(id -> TUNED.matcher(id).find())) {
                continue;
            }
            int all = group.stream().mapToInt(id -> providersOfWinner.get(id).size()).sum();
            long distinct = group.stream().flatMap(id -> providersOfWinner.get(id).stream()).distinct().count();
            if (all != distinct) {
                continue; // a provider lists two of these spellings: they are different models
            }
            String best = group.stream().min(preference(openRouterIds, providerCount)).orElseThrow();
            winner.replaceAll((id, w) -> group.contains(w) ? best : w);
        }
    }

    private static Comparator<String> preference(Set<String> openRouterIds, Map<String, Integer> providerCount) {
        return Comparator.comparing((String id) -> !openRouterIds.contains(id))
                .thenComparing(id -> -providerCount.getOrDefault(id, 0))
                .thenComparing(id -> !slug(id).contains("."))
                .thenComparing(id -> -slug(id).chars().filter(c -> c == '-').count())
                .thenComparingInt(String::length)
                .thenComparing(Comparator.naturalOrder());
    }

    /** The reviewed table: one {@code from to  # why} per line; blank lines and {@code #} comments ignored. */
    public static Map<String, String> loadAliasTable() {
        try (InputStream in = CanonicalIds.class.getClassLoader().getResourceAsStream(ALIAS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("alias table " + ALIAS_RESOURCE + " is missing from the classpath");
            }
            Map<String, String> table = new TreeMap<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String content = line.replaceAll("#.*$", "").trim();
                if (content.isEmpty()) {
                    continue;
                }
                String[] parts = content.split("\\s+");
                if (parts.length != 2 || !parts[0].contains("/") || !parts[1].contains("/")) {
                    throw new IllegalStateException("alias table line not 'from to': " + line);
                }
                table.put(parts[0], parts[1]);
            }
            return table;
        } catch (IOException e) {
            throw new UncheckedIOException(ALIAS_RESOURCE + " unreadable", e);
        }
    }

    static String author(String id) {
        return id.substring(0, id.indexOf('/'));
    }

    static String slug(String id) {
        return id.substring(id.indexOf('/') + 1);
    }
}
