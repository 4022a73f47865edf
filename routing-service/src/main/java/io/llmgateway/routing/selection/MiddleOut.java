package io.llmgateway.routing.selection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.routing.canonical.CanonicalRequest;
import io.llmgateway.routing.canonical.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenRouter's middle-out transform ({@code transforms: ["middle-out"]}, or the
 * {@code context-compression} plugin): when the prompt does not fit the endpoint's context, messages
 * are removed from the middle of the conversation until it fits, because models attend least to the
 * middle. Kept: the leading system/developer messages, the first other message and the last one; an
 * assistant turn with tool calls and the tool results that answer it are removed together so the
 * transcript stays valid for every protocol. If the kept messages alone are still too long, the middle
 * of the longest text is cut out. Applied per attempt, so each endpoint gets what fits its own context;
 * a prompt that fits passes unchanged (the same body, not a copy).
 */
public final class MiddleOut {

    public static final String NAME = "middle-out";
    public static final String PLUGIN = "context-compression";
    /** Tokens per character of the gateway's prompt estimate (as in {@code ChatRequestParser}). */
    private static final int CHARS_PER_TOKEN = 4;
    private static final String CUT = "\n[…]\n";

    private MiddleOut() {
    }

    /** Whether the request asked for middle-out (a transform, or an enabled context-compression plugin). */
    public static boolean requested(ObjectNode body) {
        for (JsonNode t : body.path("transforms")) {
            if (NAME.equals(t.asText())) {
                return true;
            }
        }
        for (JsonNode p : body.path("plugins")) {
            if (PLUGIN.equals(Json.text(p, "id")) && p.path("enabled").asBoolean(true)) {
                return true;
            }
        }
        return false;
    }

    /** The body to send to the candidate: the request's own, or a copy whose messages fit its context. */
    public static ObjectNode fit(CanonicalRequest request, Candidate c) {
        ObjectNode body = request.body();
        if (!body.has("messages") || !requested(body)) {
            return body;
        }
        long reserve = request.maxTokens() == null ? 0 : Math.min(request.maxTokens(), c.contextLength() / 2L);
        long budget = (c.contextLength() - reserve) * CHARS_PER_TOKEN;
        JsonNode tools = body.get("tools");
        long fixed = tools == null ? 0 : tools.toString().length();
        ArrayNode messages = (ArrayNode) body.get("messages");
        if (fixed + size(messages) <= budget) {
            return body;
        }
        ObjectNode copy = body.deepCopy();
        copy.set("messages", compress((ArrayNode) copy.get("messages"), budget - fixed));
        return copy;
    }

    static ArrayNode compress(ArrayNode messages, long budget) {
        List<List<JsonNode>> units = units(messages);
        int head = 0;
        while (head < units.size() && isSystem(units.get(head).get(0))) {
            head++;
        }
        // kept: system units, the first other unit, the last unit; removable: everything between
        int firstRemovable = Math.min(head + 1, units.size());
        int lastRemovable = units.size() - 2;
        long total = 0;
        for (List<JsonNode> u : units) {
            total += size(u);
        }
        List<List<JsonNode>> middle = new ArrayList<>(units.subList(firstRemovable, Math.max(firstRemovable,
                lastRemovable + 1)));
        while (total > budget && !middle.isEmpty()) {
            total -= size(middle.remove(middle.size() / 2));
        }
        ArrayNode out = Json.NODES.arrayNode();
        units.subList(0, firstRemovable).forEach(out::addAll);
        middle.forEach(out::addAll);
        if (lastRemovable + 1 >= firstRemovable && lastRemovable + 1 < units.size()) {
            out.addAll(units.get(units.size() - 1));
        }
        if (total > budget) {
            truncateLongest(out, total - budget);
        }
        return out;
    }

    /** Messages grouped so that an assistant turn with tool calls keeps the tool results that follow it. */
    private static List<List<JsonNode>> units(ArrayNode messages) {
        List<List<JsonNode>> units = new ArrayList<>();
        for (JsonNode m : messages) {
            boolean toolResult = "tool".equals(Json.text(m, "role")) || "function".equals(Json.text(m, "role"));
            if (toolResult && !units.isEmpty()) {
                units.get(units.size() - 1).add(m);
            } else {
                units.add(new ArrayList<>(List.of(m)));
            }
        }
        return units;
    }

    private static boolean isSystem(JsonNode m) {
        String role = Json.text(m, "role");
        return "system".equals(role) || "developer".equals(role);
    }

    /** Cuts {@code excess} characters out of the middle of the longest string content. */
    private static void truncateLongest(ArrayNode messages, long excess) {
        ObjectNode longest = null;
        for (JsonNode m : messages) {
            JsonNode content = m.get("content");
            if (content != null && content.isTextual() && (longest == null
                    || content.asText().length() > longest.get("content").asText().length())) {
                longest = (ObjectNode) m;
            }
        }
        if (longest == null) {
            return;
        }
        String text = longest.get("content").asText();
        int remove = (int) Math.min(text.length(), excess + CUT.length());
        int keep = text.length() - remove;
        longest.put("content", text.substring(0, keep / 2) + CUT + text.substring(text.length() - (keep - keep / 2)));
    }

    private static long size(Iterable<JsonNode> messages) {
        long chars = 0;
        for (JsonNode m : messages) {
            chars += Json.contentText(m.get("content")).length();
            JsonNode calls = m.get("tool_calls");
            if (calls != null) {
                chars += calls.toString().length();
            }
        }
        return chars;
    }
}
