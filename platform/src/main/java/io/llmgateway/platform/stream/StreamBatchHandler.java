package io.llmgateway.platform.stream;

import java.util.concurrent.CompletionStage;

/**
 * What a service plugs into a {@link StreamGroupConsumer}: the work done for one batch. Called on the group's
 * worker thread, never on an event loop, so it may block; it may also return before its work is done (the
 * worker reads the next batch meanwhile, up to {@code maxInFlight} batches). The stage completes with the
 * fate of each entry; an entry it does not name stays pending and is delivered again, and so does every
 * entry of a batch whose stage fails.
 */
@FunctionalInterface
public interface StreamBatchHandler {

    CompletionStage<BatchOutcome> handle(StreamBatch batch);
}
