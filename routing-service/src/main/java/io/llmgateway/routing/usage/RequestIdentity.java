package io.llmgateway.routing.usage;

import io.llmgateway.contracts.internal.KeyState;

/** Who asked for what: the parts of a usage event fixed when the request arrived. */
public record RequestIdentity(String generationId, long created, KeyState key, String requestedModel,
        boolean streamed, String operation, String appReferer, String appTitle) {
}
