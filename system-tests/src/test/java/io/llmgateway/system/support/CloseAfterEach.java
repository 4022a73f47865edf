package io.llmgateway.system.support;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test started once it ends, however it ends, last started first: the suite goes
 * before the Redis and PostgreSQL its services use, so none of them logs a lost connection while it
 * is being stopped. Register it with {@code @RegisterExtension} and pass each resource through
 * {@link #add} as it starts.
 */
public final class CloseAfterEach implements AfterEachCallback {

    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    public <T extends AutoCloseable> T add(T resource) {
        started.push(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                // the rest must still be stopped: a leaked process would hold its port for the next test
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
