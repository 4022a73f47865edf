package io.llmgateway.catalog.service;

import io.llmgateway.catalog.model.ModelView;
import io.llmgateway.contracts.error.GatewayException;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code sort} of {@code GET /api/v1/models}, with OpenRouter's names ({@code pricing-low-to-high},
 * {@code pricing-high-to-low}, {@code context-high-to-low}, {@code newest}) and short ones ({@code price},
 * {@code context}, {@code created}). A model's price is the average of its prompt and completion price per
 * token (its cheapest endpoint's); routers, whose price is that of the model they pick, sort last.
 */
final class ModelSort {

    private static final Comparator<ModelView> CHEAPEST = Comparator.comparing(ModelSort::averagePrice,
            Comparator.nullsLast(Comparator.naturalOrder()));
    private static final Comparator<ModelView> DEAREST = Comparator.comparing(ModelSort::averagePrice,
            Comparator.nullsLast(Comparator.<BigDecimal>reverseOrder()));
    private static final Comparator<ModelView> LONGEST = Comparator.comparing(ModelView::contextLength,
            Comparator.nullsLast(Comparator.<Integer>reverseOrder()));
    private static final Comparator<ModelView> NEWEST = Comparator.comparingLong(ModelView::created).reversed();
    private static final Map<String, Comparator<ModelView>> ORDERS = Map.of(
            "pricing-low-to-high", CHEAPEST, "price", CHEAPEST, "pricing-high-to-low", DEAREST,
            "context-high-to-low", LONGEST, "context", LONGEST, "newest", NEWEST, "created", NEWEST);

    private ModelSort() {
    }

    static List<ModelView> sort(List<ModelView> models, String sort) {
        if (sort == null || sort.isBlank()) {
            return models;
        }
        Comparator<ModelView> order = ORDERS.get(sort.trim());
        if (order == null) {
            throw GatewayException.badRequest("Invalid sort: one of " + ORDERS.keySet().stream().sorted().toList());
        }
        return models.stream().sorted(order.thenComparing(ModelView::id)).toList();
    }

    /** Whether the model's prompt and completion prices are both within {@code maxPerToken}. */
    static boolean withinPrice(ModelView m, BigDecimal maxPerToken) {
        BigDecimal prompt = price(m.pricing().prompt());
        BigDecimal completion = price(m.pricing().completion());
        return prompt != null && completion != null && prompt.compareTo(maxPerToken) <= 0
                && completion.compareTo(maxPerToken) <= 0;
    }

    static BigDecimal averagePrice(ModelView m) {
        BigDecimal prompt = price(m.pricing().prompt());
        BigDecimal completion = price(m.pricing().completion());
        return prompt == null || completion == null ? null
                : prompt.add(completion).divide(BigDecimal.valueOf(2), java.math.MathContext.DECIMAL64);
    }

    /** A listed price; null for a router's "-1" (not a price). */
    private static BigDecimal price(String text) {
        BigDecimal value = new BigDecimal(text);
        return value.signum() < 0 ? null : value;
    }
}
