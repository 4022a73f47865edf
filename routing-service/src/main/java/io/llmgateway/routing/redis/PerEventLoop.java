package io.llmgateway.routing.redis;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One instance of a client per Vert.x event loop, made on that loop the first time it asks.
 *
 * <p>Why: a Vert.x connection belongs to the event loop that opened it. When a request read on loop A
 * borrows a Redis or upstream connection opened on loop B, every write and every reply crosses
 * threads (an eventfd wake-up each way). With a
 * client per loop, a request's Redis call and upstream call stay on the loop that read it, as nginx
 * and Envoy keep one upstream pool per worker.
 *
 * <p>Callers off an event loop (workers, tests, timers on other threads) get the shared instance.
 */
public final class PerEventLoop<T> {

    private final Supplier<T> factory;
    private final T shared;
    private final ThreadLocal<T> local = new ThreadLocal<>();
    private final List<T> made = new CopyOnWriteArrayList<>();

    public PerEventLoop(Supplier<T> factory, T shared) {
        this.factory = factory;
        this.shared = shared;
    }

    public T current() {
        T mine = local.get();
        if (mine != null) {
            return mine;
        }
        Context context = Vertx.currentContext();
        if (!(context instanceof ContextInternal internal) || !context.isEventLoopContext()
                || !internal.nettyEventLoop().inEventLoop()) {
            return shared;
        }
        // made inside the loop's base context, not the request's duplicate, so connections never
        // carry one request's context data (trace, MDC) into the next
        Object[] box = new Object[1];
        RuntimeException[] failure = new RuntimeException[1];
        internal.unwrap().dispatch(v -> {
            try {
                box[0] = factory.get();
            } catch (RuntimeException e) {
                failure[0] = e; // dispatch would only log it
            }
        });
        if (failure[0] != null || box[0] == null) {
            throw failure[0] != null ? failure[0] : new IllegalStateException("no client made for this event loop");
        }
        @SuppressWarnings("unchecked")
        T created = (T) box[0];
        local.set(created);
        made.add(created);
        return created;
    }

    public T shared() {
        return shared;
    }

    /** Closes every per-loop instance (the shared one belongs to whoever passed it in). */
    public void close(Consumer<T> closer) {
        made.forEach(closer);
        made.clear();
    }
}
