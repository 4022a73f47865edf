package io.llmgateway.catalog.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** One version of a preset. */
public record PresetVersionView(int version, JsonNode config, Instant createdAt) {
}
