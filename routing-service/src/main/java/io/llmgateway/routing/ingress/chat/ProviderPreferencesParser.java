package io.llmgateway.routing.ingress.chat;

import static io.llmgateway.routing.ingress.chat.BadRequest.absent;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.routing.canonical.ProviderPreferences;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The {@code provider} object. Every OpenRouter field is either acted on by selection or refused:
 * {@code enforce_distillable_text: true} (the catalog knows no model's distillation terms),
 * {@code max_price.audio} (the catalog has no audio prices), {@code sort: "exacto"} and latency or
 * throughput cutoffs other than p50 (the routing snapshot carries the p50 only).
 */
final class ProviderPreferencesParser {

    private static final Set<String> FIELDS = Set.of("order", "allow_fallbacks", "only", "ignore", "sort",
            "require_parameters", "data_collection", "quantizations", "max_price", "zdr", "enforce_distillable_text",
            "preferred_min_throughput", "preferred_max_latency");
    private static final Set<String> MAX_PRICE_FIELDS = Set.of("prompt", "completion", "request", "image", "audio");
    private static final Set<String> SORTS = Set.of("price", "throughput", "latency");
    private static final Set<String> PERCENTILES = Set.of("p50", "p75", "p90", "p99");

    private ProviderPreferencesParser() {
    }

    static ProviderPreferences parse(JsonNode p) {
        if (absent(p)) {
            return ProviderPreferences.DEFAULT;
        }
        if (!p.isObject()) {
            throw BadRequest.type("provider", "an object");
        }
        for (Iterator<String> it = p.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw BadRequest.field("provider." + f, "unknown field; known: " + SamplingValidator.sorted(FIELDS));
            }
        }
        if (flag(p, "enforce_distillable_text", false)) {
            throw BadRequest.unsupported("provider.enforce_distillable_text",
                    "the catalog does not record which model authors allow distillation");
        }
        String sort = null;
        String partition = null;
        JsonNode s = p.get("sort");
        if (!absent(s)) {
            if (s.isObject()) {
                sort = absent(s.get("by")) ? null : sortName(s.get("by"), "provider.sort.by");
                JsonNode part = s.get("partition");
                if (!absent(part)) {
                    if (!part.isTextual() || !Set.of("model", "none").contains(part.asText())) {
                        throw BadRequest.field("provider.sort.partition", "must be model or none");
                    }
                    partition = part.asText();
                }
            } else {
                sort = sortName(s, "provider.sort");
            }
        }
        String dc = null;
        JsonNode d = p.get("data_collection");
        if (!absent(d)) {
            if (!d.isTextual() || !Set.of("allow", "deny").contains(d.asText())) {
                throw BadRequest.field("provider.data_collection", "must be allow or deny");
            }
            dc = d.asText();
        }
        BigDecimal[] prices = new BigDecimal[4];
        JsonNode mp = p.get("max_price");
        if (!absent(mp)) {
            if (!mp.isObject()) {
                throw BadRequest.type("provider.max_price", "an object");
            }
            for (Iterator<String> it = mp.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!MAX_PRICE_FIELDS.contains(f)) {
                    throw BadRequest.field("provider.max_price." + f, "unknown field; known: "
                            + SamplingValidator.sorted(MAX_PRICE_FIELDS));
                }
            }
            if (!absent(mp.get("audio"))) {
                throw BadRequest.unsupported("provider.max_price.audio", "the catalog has no audio prices to compare");
            }
            // prompt and completion are USD per million tokens, as OpenRouter documents; request and image per unit
            prices[0] = price(mp, "prompt", 6);
            prices[1] = price(mp, "completion", 6);
            prices[2] = price(mp, "request", 0);
            prices[3] = price(mp, "image", 0);
        }
        Double latency = cutoff(p.get("preferred_max_latency"), "provider.preferred_max_latency");
        Double throughput = cutoff(p.get("preferred_min_throughput"), "provider.preferred_min_throughput");
        return new ProviderPreferences(strings(p, "order"), flag(p, "allow_fallbacks", true), strings(p, "only"),
                strings(p, "ignore"), sort, flag(p, "require_parameters", false), dc, strings(p, "quantizations"),
                prices[0], prices[1], prices[2], prices[3], partition, flag(p, "zdr", false),
                latency == null ? null : latency * 1000, throughput);
    }

    /**
     * The deprecated top-level {@code route}: {@code fallback} is {@code sort.partition: "model"},
     * {@code sort} is {@code "none"}; an explicit {@code provider.sort.partition} wins.
     */
    static ProviderPreferences route(JsonNode body, ProviderPreferences pref) {
        JsonNode route = body.get("route");
        if (absent(route)) {
            return pref;
        }
        if (!route.isTextual() || !Set.of("fallback", "sort").contains(route.asText())) {
            throw BadRequest.field("route", "must be fallback or sort (deprecated: use provider.sort.partition)");
        }
        return pref.partition() != null ? pref : pref.withPartition(route.asText().equals("sort") ? "none" : "model");
    }

    private static String sortName(JsonNode v, String field) {
        if (v.isTextual() && v.asText().equals("exacto")) {
            throw BadRequest.unsupported(field, "'exacto' needs tool-calling quality data the gateway does not have");
        }
        if (!v.isTextual() || !SORTS.contains(v.asText())) {
            throw BadRequest.field(field, "must be price, throughput or latency");
        }
        return v.asText();
    }

    /**
     * A latency (seconds) or throughput (tokens/s) cutoff: a number, which applies to the p50, or an
     * object of percentile cutoffs. Only p50 is measured per endpoint in the routing snapshot.
     */
    private static Double cutoff(JsonNode v, String field) {
        if (absent(v)) {
            return null;
        }
        if (v.isNumber()) {
            return positive(v, field);
        }
        if (!v.isObject()) {
            throw BadRequest.type(field, "a number or an object of percentile cutoffs (p50, p75, p90, p99)");
        }
        Double p50 = null;
        for (Iterator<String> it = v.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!PERCENTILES.contains(f)) {
                throw BadRequest.field(field + "." + f, "unknown percentile; known: p50, p75, p90, p99");
            }
            if (absent(v.get(f))) {
                continue;
            }
            if (!f.equals("p50")) {
                throw BadRequest.unsupported(field + "." + f, "the gateway measures the p50 per endpoint only");
            }
            p50 = positive(v.get(f), field + "." + f);
        }
        return p50;
    }

    private static double positive(JsonNode v, String field) {
        if (!v.isNumber()) {
            throw BadRequest.type(field, "a number");
        }
        if (!(v.asDouble() > 0)) {
            throw BadRequest.field(field, "must be greater than 0");
        }
        return v.asDouble();
    }

    private static BigDecimal price(JsonNode mp, String field, int perUnitShift) {
        JsonNode v = mp.get(field);
        if (absent(v)) {
            return null;
        }
        String at = "provider.max_price." + field;
        try {
            if (!v.isNumber() && !v.isTextual()) {
                throw BadRequest.type(at, "a number or a numeric string");
            }
            BigDecimal given = v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText().trim());
            if (given.signum() < 0) {
                throw BadRequest.field(at, "must not be negative");
            }
            return given.movePointLeft(perUnitShift);
        } catch (NumberFormatException e) {
            throw BadRequest.type(at, "a number or a numeric string");
        }
    }

    private static boolean flag(JsonNode p, String field, boolean dflt) {
        JsonNode v = p.get(field);
        if (absent(v)) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw BadRequest.type("provider." + field, "a boolean");
        }
        return v.asBoolean();
    }

    private static List<String> strings(JsonNode p, String field) {
        JsonNode v = p.get(field);
        if (absent(v)) {
            return null;
        }
        if (!v.isArray()) {
            throw BadRequest.type("provider." + field, "an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw BadRequest.type("provider." + field, "an array of strings");
            }
            out.add(e.asText());
        }
        return out;
    }
}
