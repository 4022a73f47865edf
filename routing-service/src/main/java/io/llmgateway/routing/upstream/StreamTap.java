package io.llmgateway.routing.upstream;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Holds an upstream stream's handlers from the moment its headers arrive, so they are registered
 * exactly once: whatever arrives before the exchange attaches its consumer (between the first byte
 * and the attempt's completion callback) is kept and replayed in order.
 */
public final class StreamTap {

    public interface Listener {
        void chunk(Buffer chunk);

        void end();

        void error(Throwable error);
    }

    public final HttpClientResponse response;
    private final List<Buffer> early = new ArrayList<>(4);
    private Listener listener;
    private boolean ended;
    private Throwable error;
    private Consumer<Buffer> onFirst;

    StreamTap(HttpClientResponse response, Consumer<Buffer> onFirst, Runnable onEndBeforeData,
            Consumer<Throwable> onErrorBeforeData) {
        this.response = response;
        this.onFirst = onFirst;
        response.handler(chunk -> {
            if (listener != null) {
                listener.chunk(chunk);
                return;
            }
            early.add(chunk);
            if (this.onFirst != null) {
                Consumer<Buffer> first = this.onFirst;
                this.onFirst = null;
                first.accept(chunk);
            }
        });
        response.endHandler(v -> {
            if (listener != null) {
                listener.end();
            } else if (this.onFirst != null) {
                this.onFirst = null;
                onEndBeforeData.run();
            } else {
                ended = true;
            }
        });
        response.exceptionHandler(e -> {
            if (listener != null) {
                listener.error(e);
            } else if (this.onFirst != null) {
                this.onFirst = null;
                onErrorBeforeData.accept(e);
            } else {
                error = e;
            }
        });
    }

    public void attach(Listener l) {
        for (Buffer b : early) {
            l.chunk(b);
        }
        early.clear();
        listener = l;
        if (error != null) {
            l.error(error);
        } else if (ended) {
            l.end();
        }
    }
}
