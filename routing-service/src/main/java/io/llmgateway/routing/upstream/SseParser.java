package io.llmgateway.routing.upstream;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Incremental server-sent-events parser: bytes go in as they arrive from upstream, complete events
 * come out. Never holds more than one unfinished event.
 */
public final class SseParser {

    public interface Listener {
        void onEvent(String event, String data);
    }

    private final Listener listener;
    private byte[] pending = new byte[0];
    private String event;
    private StringBuilder data;

    public SseParser(Listener listener) {
        this.listener = listener;
    }

    public void feed(Buffer buffer) {
        byte[] bytes = buffer.getBytes();
        byte[] all;
        if (pending.length == 0) {
            all = bytes;
        } else {
            all = new byte[pending.length + bytes.length];
            System.arraycopy(pending, 0, all, 0, pending.length);
            System.arraycopy(bytes, 0, all, pending.length, bytes.length);
        }
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                int end = i > start && all[i - 1] == '\r' ? i - 1 : i;
                line(new String(all, start, end - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        pending = start == all.length ? new byte[0] : java.util.Arrays.copyOfRange(all, start, all.length);
    }

    /** Upstream ended: dispatch what is left, even without the final blank line. */
    public void end() {
        if (pending.length > 0) {
            line(new String(pending, StandardCharsets.UTF_8).replace("\r", ""));
            pending = new byte[0];
        }
        line("");
    }

    private void line(String line) {
        if (line.isEmpty()) {
            if (data != null) {
                String e = event;
                String d = data.toString();
                event = null;
                data = null;
                listener.onEvent(e, d);
            }
            event = null;
            return;
        }
        if (line.charAt(0) == ':') {
            return; // comment / keep-alive
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (field.equals("data")) {
            if (data == null) {
                data = new StringBuilder(value);
            } else {
                data.append('\n').append(value);
            }
        } else if (field.equals("event")) {
            event = value;
        }
    }
}
