package io.llmgateway.contracts.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Announces that the catalog changed and now has {@code version}. Readers fetch the snapshot again
 * when their copy is older; {@code change} and {@code id} say what changed, for logs and traces.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CatalogEvent(long version, String change, String id, long at) {
}
