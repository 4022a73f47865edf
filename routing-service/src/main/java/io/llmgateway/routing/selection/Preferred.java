package io.llmgateway.routing.selection;

import io.llmgateway.routing.canonical.ProviderPreferences;
import java.util.ArrayList;
import java.util.List;

/**
 * Soft preferences, applied to the ordered candidates as a stable partition: the endpoints that meet
 * them keep their order and come first, the others follow in theirs. Across models, as OpenRouter
 * documents for {@code preferred_max_latency} / {@code preferred_min_throughput}: a fallback model's
 * endpoint that meets the cutoffs goes before a primary model's that does not. An endpoint with no
 * measurement (no traffic in 30 min) does not meet a cutoff. With middle-out, endpoints where the prompt
 * fits as it is go before those it must be compressed for.
 */
final class Preferred {

    private Preferred() {
    }

    /** @param promptTokens the prompt estimate when endpoints it does not fit are kept (middle-out), else -1 */
    static List<Candidate> first(List<Candidate> ordered, ProviderPreferences pref, long promptTokens) {
        List<Candidate> out = ordered;
        if (pref.preferredMaxLatencyMs() != null || pref.preferredMinThroughput() != null) {
            out = partition(out, c -> meets(c, pref));
        }
        if (promptTokens >= 0) {
            out = partition(out, c -> promptTokens <= c.contextLength());
        }
        return out;
    }

    static boolean meets(Candidate c, ProviderPreferences pref) {
        Double latency = c.endpoint().latencyP50Ms();
        Double tps = c.endpoint().throughputP50();
        if (pref.preferredMaxLatencyMs() != null && (latency == null || latency > pref.preferredMaxLatencyMs())) {
            return false;
        }
        return pref.preferredMinThroughput() == null || (tps != null && tps >= pref.preferredMinThroughput());
    }

    private static List<Candidate> partition(List<Candidate> list, java.util.function.Predicate<Candidate> good) {
        List<Candidate> out = new ArrayList<>(list.size());
        List<Candidate> rest = new ArrayList<>();
        for (Candidate c : list) {
            (good.test(c) ? out : rest).add(c);
        }
        out.addAll(rest);
        return out;
    }
}
