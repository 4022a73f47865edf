package io.llmgateway.catalog.service;

import io.llmgateway.catalog.model.ModelView;
import io.llmgateway.catalog.persistence.ModelEntity;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code ~author/family-latest}: the newest listed chat model of a family, by the catalog's release dates
 * ({@code created}; ties go to the higher version, compared as text). A model's family is its slug without
 * the words that hold a digit (versions, sizes, dates): {@code claude-sonnet-4.5} and {@code claude-sonnet-4}
 * are {@code claude-sonnet}, so {@code ~anthropic/claude-sonnet-latest} is the newer of them;
 * {@code gemini-2.5-flash} is {@code gemini-flash}.
 */
public final class LatestAliases {

    private LatestAliases() {
    }

    public static Map<String, String> of(List<ModelView> views, Map<String, ModelEntity> rows) {
        Map<String, List<ModelView>> families = views.stream()
                .filter(v -> rows.get(v.id()) != null && SeedEntries.CHAT.equals(rows.get(v.id()).kind))
                .filter(v -> family(v.id()) != null)
                .collect(Collectors.groupingBy(v -> family(v.id())));
        Map<String, String> out = new TreeMap<>();
        families.forEach((family, members) -> members.stream()
                .max(Comparator.comparingLong(ModelView::created).thenComparing(ModelView::id))
                .ifPresent(newest -> out.put("~" + family + "-latest", newest.id())));
        return out;
    }

    /** {@code author/family}, or null when nothing is left once the versioned words are gone. */
    static String family(String id) {
        int slash = id.indexOf('/');
        String words = Arrays.stream(id.substring(slash + 1).split("-")).filter(w -> !w.matches(".*\\d.*"))
                .collect(Collectors.joining("-"));
        return words.isEmpty() ? null : id.substring(0, slash) + "/" + words;
    }
}
