package io.llmgateway.simulator.protocol;

/**
 * One server-sent event to write.
 *
 * @param event  SSE event name (Anthropic), null for data-only events
 * @param data   the data line: JSON, or [DONE]
 * @param tokens output tokens this event carries; the player paces events by it
 */
public record SseEvent(String event, String data, int tokens) {

    public static SseEvent data(String data, int tokens) {
        return new SseEvent(null, data, tokens);
    }

    public String render() {
        return event == null ? "data: " + data + "\n\n" : "event: " + event + "\ndata: " + data + "\n\n";
    }

    /** The same event with its data cut in half: an unterminated JSON object a client cannot parse. */
    public SseEvent malformed() {
        return new SseEvent(event, data.substring(0, Math.max(1, data.length() / 2)), tokens);
    }
}
