package io.llmgateway.routing.upstream;

import io.llmgateway.routing.canonical.Completion;

/**
 * A successful attempt: a whole answer already translated to canonical form, or, for a stream, the
 * tap holding the provider's first bytes (no token has reached the client yet).
 */
public record AttemptOutcome(Completion completion, StreamTap tap) {

    public boolean streaming() {
        return tap != null;
    }
}
