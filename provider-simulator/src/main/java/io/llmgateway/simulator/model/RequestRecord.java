package io.llmgateway.simulator.model;

import java.util.Map;

/**
 * One call as seen by a simulated provider; {@code status} is null when no status line was sent (reset, hang).
 *
 * @param at         epoch ms the call arrived
 * @param receivedAt the same instant, ISO-8601
 * @param headers    request headers, lower-case names, secrets masked; null once the entry is older than the
 *                   newest {@code recorded-requests} of its provider (bodies are kept for the newest only)
 * @param query      query parameters, the {@code key} secret masked; null like {@code headers}
 * @param body       the body as parsed JSON (a string when it was not JSON); null like {@code headers}
 */
public record RequestRecord(long at, String path, String model, boolean stream, String fault, Integer status,
        String method, String receivedAt, Map<String, String> headers, Map<String, String> query, Object body) {

    /** The entry without what was received, once it falls out of the recorded window. */
    public RequestRecord withoutPayload() {
        return new RequestRecord(at, path, model, stream, fault, status, method, receivedAt, null, null, null);
    }
}
