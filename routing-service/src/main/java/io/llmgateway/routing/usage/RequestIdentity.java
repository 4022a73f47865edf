package io.llmgateway.routing.usage;

import io.llmgateway.contracts.internal.KeyState;

/**
 * Who asked for what: the parts of a usage event fixed when the request arrived.
 *
 * @param appReferer {@code HTTP-Referer} header (the app's URL)
 * @param appTitle   {@code X-Title} header, else {@code X-OpenRouter-Title}
 * @param user       the request's {@code user} (the client's end-user id)
 * @param sessionId  the request's {@code session_id}, else the {@code x-session-id} header
 */
public record RequestIdentity(String generationId, long created, KeyState key, String requestedModel,
        boolean streamed, String operation, String appReferer, String appTitle, String user, String sessionId) {
}
