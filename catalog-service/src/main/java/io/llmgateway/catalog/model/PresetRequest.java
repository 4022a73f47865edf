package io.llmgateway.catalog.model;

import com.fasterxml.jackson.databind.JsonNode;

/** Body of {@code PUT /api/v1/presets/{slug}}: a display name, a description and the template. */
public record PresetRequest(String name, String description, JsonNode config) {
}
