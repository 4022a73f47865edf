package io.llmgateway.catalog.service;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/** Small conversions shared by import, admin and rendering: list columns and exact prices. */
public final class CatalogText {

    /** OpenRouter's usual order of parameters, so lists read the same everywhere; others go after, sorted. */
    private static final List<String> PARAMETER_ORDER = List.of("max_tokens", "temperature", "top_p", "top_k", "stop",
            "frequency_penalty", "presence_penalty", "repetition_penalty", "seed", "logit_bias", "logprobs",
            "top_logprobs", "tools", "tool_choice", "response_format", "structured_outputs", "reasoning",
            "include_reasoning");

    private CatalogText() {
    }

    public static List<String> split(String column) {
        if (column == null || column.isBlank()) {
            return List.of();
        }
        return Arrays.stream(column.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public static String join(Collection<String> values) {
        return values == null ? "" : String.join(",", new LinkedHashSet<>(values.stream().map(String::trim)
                .filter(s -> !s.isEmpty()).toList()));
    }

    public static List<String> orderParameters(Collection<String> params) {
        List<String> ordered = new ArrayList<>();
        for (String p : PARAMETER_ORDER) {
            if (params.contains(p)) {
                ordered.add(p);
            }
        }
        params.stream().filter(p -> !PARAMETER_ORDER.contains(p)).distinct().sorted().forEach(ordered::add);
        return ordered;
    }

    /** Exact and canonical: no trailing zeros, so 2.0E-6 from a float source is stored as 0.000002. */
    public static BigDecimal normalizePrice(BigDecimal price) {
        if (price == null) {
            return null;
        }
        BigDecimal stripped = price.stripTrailingZeros();
        return stripped.signum() == 0 ? BigDecimal.ZERO : stripped;
    }

    /** Twelve significant digits hold every published price; more are the float noise of the source file. */
    private static final MathContext PUBLISHED = new MathContext(12, RoundingMode.HALF_EVEN);

    /**
     * The decimal a provider published, from a float the price table stored: {@code 2.9999900000000002e-06}
     * (the float of a computed price) becomes {@code 0.00000299999}.
     */
    public static BigDecimal published(BigDecimal fromFloat) {
        return fromFloat == null ? null : normalizePrice(fromFloat.round(PUBLISHED));
    }

    /** A price as OpenRouter writes it: a plain decimal string, never an exponent; null means "0". */
    public static String plain(BigDecimal price) {
        return price == null ? "0" : normalizePrice(price).toPlainString();
    }

    public static boolean samePrice(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }
}
