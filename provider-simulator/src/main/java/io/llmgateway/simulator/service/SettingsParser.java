package io.llmgateway.simulator.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.simulator.config.SimulatorConfig;
import io.llmgateway.simulator.model.FaultSettings;
import io.llmgateway.simulator.model.ProviderSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Iterator;
import java.util.Set;

/**
 * Reads a PUT /sim/providers/{provider} body by hand: a typo in a field name must be a 400, not a
 * setting silently ignored (a test would then measure the wrong thing). Missing fields take defaults.
 */
@ApplicationScoped
public class SettingsParser {

    private static final Set<String> FIELDS = Set.of("ttft_ms", "tokens_per_second", "output_tokens", "chunk_tokens",
            "omit_usage", "fault", "reasoning_tokens", "implicit_cache_min_tokens");
    private static final Set<String> FAULT_FIELDS = Set.of("type", "rate", "for_ms", "retry_after_s");

    private final ObjectMapper mapper;
    private final int maxOutputTokens;

    public SettingsParser(ObjectMapper mapper, SimulatorConfig config) {
        this.mapper = mapper;
        this.maxOutputTokens = config.simulator().maxOutputTokens();
    }

    public ProviderSettings parse(String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? mapper.createObjectNode() : mapper.readTree(body);
        } catch (Exception e) {
            throw GatewayException.badRequest("body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw GatewayException.badRequest("body must be a JSON object");
        }
        known(root, FIELDS, "");
        ProviderSettings d = ProviderSettings.DEFAULTS;
        long ttft = (long) number(root, "ttft_ms", d.ttftMs(), 0, 3_600_000, true);
        double tps = number(root, "tokens_per_second", d.tokensPerSecond(), 0, 1_000_000, false);
        int output = (int) number(root, "output_tokens", d.outputTokens(), 0, maxOutputTokens, true);
        int chunk = (int) number(root, "chunk_tokens", d.chunkTokens(), 1, maxOutputTokens, true);
        boolean omitUsage = d.omitUsage();
        JsonNode omit = root.get("omit_usage");
        if (omit != null && !omit.isNull()) {
            if (!omit.isBoolean()) {
                throw GatewayException.badRequest("omit_usage must be true or false");
            }
            omitUsage = omit.booleanValue();
        }
        int reasoning = (int) number(root, "reasoning_tokens", d.reasoningTokens(), 0, maxOutputTokens, true);
        int cacheMin = (int) number(root, "implicit_cache_min_tokens", d.implicitCacheMinTokens(), 0, 10_000_000,
                true);
        return new ProviderSettings(ttft, tps, output, chunk, omitUsage, fault(root.get("fault")), reasoning,
                cacheMin);
    }

    private FaultSettings fault(JsonNode node) {
        FaultSettings d = FaultSettings.NONE;
        if (node == null || node.isNull()) {
            return d;
        }
        if (node.isTextual()) { // shorthand: "fault": "status:500"
            FaultParser.parse(node.textValue());
            return new FaultSettings(node.textValue(), d.rate(), d.forMs(), d.retryAfterS());
        }
        if (!node.isObject()) {
            throw GatewayException.badRequest("fault must be an object {type, rate, for_ms, retry_after_s}");
        }
        known(node, FAULT_FIELDS, "fault.");
        JsonNode typeNode = node.get("type");
        String type = d.type();
        if (typeNode != null && !typeNode.isNull()) {
            if (!typeNode.isTextual()) {
                throw GatewayException.badRequest("fault.type must be a string");
            }
            type = typeNode.textValue();
        }
        FaultParser.parse(type);
        double rate = number(node, "rate", d.rate(), 0, 1, false);
        Long forMs = null;
        JsonNode forNode = node.get("for_ms");
        if (forNode != null && !forNode.isNull()) {
            forMs = (long) number(node, "for_ms", 0, 1, 86_400_000, true);
        }
        int retryAfter = (int) number(node, "retry_after_s", d.retryAfterS(), -1, 86_400, true);
        return new FaultSettings(type, rate, forMs, retryAfter);
    }

    private static void known(JsonNode node, Set<String> fields, String prefix) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw GatewayException.badRequest("unknown field '" + prefix + name + "'; known fields: "
                        + String.join(", ", fields.stream().sorted().toList()));
            }
        }
    }

    private static double number(JsonNode parent, String field, double fallback, double min, double max,
            boolean whole) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isNumber() || (whole && !node.canConvertToExactIntegral())) {
            throw GatewayException.badRequest(field + " must be a " + (whole ? "whole " : "") + "number");
        }
        double value = node.doubleValue();
        if (value < min || value > max) {
            throw GatewayException.badRequest(field + " must be between " + fmt(min) + " and " + fmt(max) + ", got "
                    + node.asText());
        }
        return value;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
