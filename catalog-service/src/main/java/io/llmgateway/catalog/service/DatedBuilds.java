package io.llmgateway.catalog.service;

import io.llmgateway.catalog.service.SeedEntries.Candidate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps a model's dated builds apart when the data lists more than one of them. The normaliser drops a
 * date ({@code gpt-4o-2024-08-06} is {@code openai/gpt-4o}) because most dated names are the only build
 * of their model; but where several dates exist they are different weights at different prices
 * ({@code gpt-4o-2024-05-13} at 5 USD/M, {@code -2024-08-06} at 2.50, Bedrock's two Claude 3.5 Sonnets),
 * and OpenRouter lists each as its own model. Those builds get their date back in the id, spelt as the
 * providers spell it ({@code openai/gpt-4o-2024-05-13}, {@code anthropic/claude-3.5-sonnet-20240620});
 * the undated name stays the undated model.
 */
final class DatedBuilds {

    /** A full date at the end of the name, before Bedrock's {@code -v1:0} revision. */
    private static final Pattern DATE = Pattern.compile("[-@](\\d{4})-?(\\d{2})-?(\\d{2})(?=$|-v\\d+(:\\d+)?$|:\\d+$)");

    private DatedBuilds() {
    }

    static List<Candidate> separate(List<Candidate> candidates) {
        Map<String, Set<String>> datesById = new HashMap<>();
        Map<String, Boolean> dashedById = new HashMap<>();
        for (Candidate c : candidates) {
            Matcher date = DATE.matcher(c.name().providerModel());
            if (date.find()) {
                datesById.computeIfAbsent(c.name().modelId(), id -> new TreeSet<>()).add(compact(date));
                dashedById.merge(c.name().modelId(), date.group().contains("-" + date.group(2)), Boolean::logicalAnd);
            }
        }
        return candidates.stream().map(c -> {
            String id = c.name().modelId();
            Matcher date = DATE.matcher(c.name().providerModel());
            if (datesById.getOrDefault(id, Set.of()).size() < 2 || !date.find()) {
                return c;
            }
            String suffix = dashedById.get(id)
                    ? date.group(1) + "-" + date.group(2) + "-" + date.group(3) : compact(date);
            return new Candidate(c.key(), new ModelNameNormalizer.Name(c.name().providerModel(), id + "-" + suffix),
                    c.litellmProvider(), c.spec(), c.kind());
        }).toList();
    }

    private static String compact(Matcher date) {
        return date.group(1) + date.group(2) + date.group(3);
    }
}
