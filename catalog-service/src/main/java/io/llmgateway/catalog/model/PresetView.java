package io.llmgateway.catalog.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** A preset as the presets API shows it (OpenRouter's fields plus our version and template). */
public record PresetView(String id, String slug, String name, String description, String status, int version,
        List<String> models, JsonNode config, Instant createdAt, Instant updatedAt) {
}
