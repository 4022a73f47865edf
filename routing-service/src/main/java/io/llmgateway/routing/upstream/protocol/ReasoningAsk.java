package io.llmgateway.routing.upstream.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the canonical request asks of reasoning: OpenRouter's {@code reasoning} object
 * ({@code effort}, {@code max_tokens}, {@code exclude}, {@code enabled}) and the {@code :thinking}
 * model suffix, read once for every protocol.
 *
 * @param on        whether reasoning was asked for (an effort other than {@code none}, a budget,
 *                  {@code enabled: true}, or the {@code :thinking} suffix)
 * @param off       whether it was turned off explicitly ({@code enabled: false} or effort {@code none})
 * @param effort    {@code xhigh}, {@code high}, {@code medium}, {@code low}, {@code minimal}, or null
 * @param maxTokens the budget asked for, or null
 * @param exclude   reason, count and bill, but return no reasoning text
 */
public record ReasoningAsk(boolean on, boolean off, String effort, Integer maxTokens, boolean exclude) {

    static final ReasoningAsk NONE = new ReasoningAsk(false, false, null, null, false);

    public static ReasoningAsk of(JsonNode body) {
        JsonNode r = body.get("reasoning");
        boolean suffix = body.path("model").asText("").endsWith(":thinking");
        if ((r == null || !r.isObject()) && !suffix) {
            return NONE;
        }
        r = r == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : r;
        String effort = r.hasNonNull("effort") ? r.get("effort").asText() : null;
        Integer max = r.hasNonNull("max_tokens") && r.get("max_tokens").canConvertToInt() ? r.get("max_tokens").asInt() : null;
        boolean off = r.path("enabled").isBoolean() && !r.get("enabled").asBoolean() || "none".equals(effort);
        boolean on = !off && (suffix || effort != null || max != null || r.path("enabled").asBoolean(false));
        return new ReasoningAsk(on, off, "none".equals(effort) ? null : effort, max, r.path("exclude").asBoolean(false));
    }

    /** The share of the output budget an effort gives to thinking, as OpenRouter documents it. */
    double ratio() {
        if (effort == null) {
            return 0.5;
        }
        return switch (effort) {
            case "xhigh" -> 0.95;
            case "high" -> 0.8;
            case "low" -> 0.2;
            case "minimal" -> 0.1;
            default -> 0.5;
        };
    }

    /** The thinking budget for an output cap: the asked budget, else the effort's share of the cap. */
    int budget(int outputCap) {
        return maxTokens != null ? maxTokens : (int) Math.floor(outputCap * ratio());
    }
}
