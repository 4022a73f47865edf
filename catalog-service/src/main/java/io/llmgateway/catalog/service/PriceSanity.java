package io.llmgateway.catalog.service;

import io.llmgateway.catalog.persistence.EndpointEntity;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Decides which endpoints' prices look wrong. The selector weights endpoints by price, so one wrong low
 * price would pull all of a model's traffic to one endpoint: such an endpoint is quarantined (kept,
 * listed for the operator, never routed) until an operator confirms or corrects its prices.
 * <ul>
 * <li>prompt or completion price more than {@value #RATIO}x above or below the median of the model's
 * endpoints (a zero price among paid peers counts as below);</li>
 * <li>a non-zero prompt or completion price outside the plausible band: above {@link #MAX_PER_TOKEN}
 * (1,000 USD per million tokens) or below {@link #MIN_PER_TOKEN} (0.0001 USD per million tokens).</li>
 * </ul>
 * Endpoints an operator confirmed ({@code price_confirmed}) are never quarantined.
 */
public final class PriceSanity {

    public static final int RATIO = 20;
    public static final BigDecimal MAX_PER_TOKEN = new BigDecimal("0.001");
    public static final BigDecimal MIN_PER_TOKEN = new BigDecimal("0.0000000001");

    private PriceSanity() {
    }

    /**
     * Sets {@code quarantineReason} on every endpoint of the given list (all endpoints of the models
     * concerned) and returns the ones whose reason changed.
     */
    public static List<EndpointEntity> review(List<EndpointEntity> endpoints) {
        Map<String, List<EndpointEntity>> byModel = endpoints.stream()
                .collect(Collectors.groupingBy(e -> e.modelId));
        List<EndpointEntity> changed = new ArrayList<>();
        for (List<EndpointEntity> peers : byModel.values()) {
            BigDecimal promptMedian = median(peers, e -> e.pricePrompt);
            BigDecimal completionMedian = median(peers, e -> e.priceCompletion);
            for (EndpointEntity e : peers) {
                String reason = e.priceConfirmed ? null : reason(e, promptMedian, completionMedian);
                if (!Objects.equals(reason, e.quarantineReason)) {
                    e.quarantineReason = reason;
                    changed.add(e);
                }
            }
        }
        return changed;
    }

    static String reason(EndpointEntity e, BigDecimal promptMedian, BigDecimal completionMedian) {
        String prompt = check("prompt", e.pricePrompt, promptMedian);
        String completion = check("completion", e.priceCompletion, completionMedian);
        return prompt == null ? completion : completion == null ? prompt : prompt + "; " + completion;
    }

    private static String check(String which, BigDecimal price, BigDecimal median) {
        BigDecimal p = price == null ? BigDecimal.ZERO : price;
        if (p.compareTo(MAX_PER_TOKEN) > 0) {
            return which + " price " + CatalogText.plain(p) + " USD/token is above the plausible maximum "
                    + CatalogText.plain(MAX_PER_TOKEN);
        }
        if (p.signum() > 0 && p.compareTo(MIN_PER_TOKEN) < 0) {
            return which + " price " + CatalogText.plain(p) + " USD/token is below the plausible minimum "
                    + CatalogText.plain(MIN_PER_TOKEN);
        }
        if (median == null || median.signum() == 0) {
            return null;
        }
        BigDecimal ratio = BigDecimal.valueOf(RATIO);
        if (p.compareTo(median.multiply(ratio)) > 0 || p.multiply(ratio).compareTo(median) < 0) {
            return which + " price " + CatalogText.plain(p) + " USD/token is more than " + RATIO
                    + "x from the model's median " + CatalogText.plain(median);
        }
        return null;
    }

    /** Median of the endpoints' prices; null with fewer than two endpoints (nothing to compare with). */
    static BigDecimal median(List<EndpointEntity> peers, Function<EndpointEntity, BigDecimal> price) {
        if (peers.size() < 2) {
            return null;
        }
        List<BigDecimal> sorted = peers.stream().map(price).map(p -> p == null ? BigDecimal.ZERO : p).sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2)
                : sorted.get(n / 2 - 1).add(sorted.get(n / 2)).divide(BigDecimal.valueOf(2), MathContext.DECIMAL64);
    }
}
