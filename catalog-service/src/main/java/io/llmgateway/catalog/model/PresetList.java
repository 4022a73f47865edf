package io.llmgateway.catalog.model;

import java.util.List;

/** {@code GET /api/v1/presets}: one page of the account's presets and how many it has. */
public record PresetList(List<PresetView> data, int totalCount) {
}
