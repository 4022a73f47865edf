package io.llmgateway.contracts.events;

import io.llmgateway.contracts.WireRecord;

/**
 * Announces that the catalog changed and now has {@code version}. Readers fetch the snapshot again
 * when their copy is older; {@code change} and {@code id} say what changed, for logs and traces.
 */
@WireRecord
public record CatalogEvent(long version, String change, String id, long at) {
}
