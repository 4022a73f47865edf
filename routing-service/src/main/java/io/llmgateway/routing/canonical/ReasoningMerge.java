package io.llmgateway.routing.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Streamed {@code reasoning_details} merged by {@code index}, as OpenRouter's clients merge them: the
 * text and summary of one entry arrive over many deltas, its signature (Anthropic) in a later one,
 * an encrypted entry whole. A format whose stream ends a reasoning block with one opaque value reads
 * the whole entries here.
 */
public final class ReasoningMerge {

    private final Map<Integer, ObjectNode> entries = new LinkedHashMap<>();

    /** Merges one streamed entry into the entry of its index and answers the merged entry. */
    public ObjectNode add(JsonNode delta) {
        int index = delta.path("index").asInt(entries.size());
        ObjectNode merged = entries.computeIfAbsent(index, i -> Json.object());
        for (Map.Entry<String, JsonNode> f : delta.properties()) {
            String name = f.getKey();
            JsonNode value = f.getValue();
            boolean appended = name.equals("text") || name.equals("summary");
            JsonNode before = merged.get(name);
            if (appended && before != null && before.isTextual() && value.isTextual()) {
                merged.put(name, before.asText() + value.asText());
            } else if (!value.isNull()) {
                merged.set(name, value);
            }
        }
        return merged.put("index", index);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The merged entries in the order their indexes first appeared. */
    public ArrayNode all() {
        ArrayNode all = Json.NODES.arrayNode();
        entries.values().forEach(e -> all.add(e.deepCopy()));
        return all;
    }
}
