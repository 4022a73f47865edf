package io.llmgateway.auth.stream;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Tells a failure of the infrastructure (PostgreSQL or Redis unreachable, overloaded, restarting, a
 * deadlock or serialization conflict) from one the database or the code will give again for the same
 * entry. Only the latter counts towards {@code gateway.usage.max-deliveries}: an outage must never
 * turn good usage into dead letters.
 */
final class Failures {

    // SQLSTATE classes that say nothing about the data: connection, rollback (deadlock, serialization),
    // lock not available, insufficient resources, operator intervention (shutdown), system error
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "55", "57", "58");

    private Failures() {
    }

    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg) {
                String state = pg.getSqlState();
                return state == null || state.length() < 2 || TRANSIENT_CLASSES.contains(state.substring(0, 2));
            }
            if (t instanceof IOException || t instanceof TimeoutException
                    || t instanceof io.smallrye.mutiny.TimeoutException || t instanceof VertxException) {
                return true; // closed connection, pool exhausted, refused, timed out
            }
        }
        return false;
    }

    /** A reason for the dead-letter stream that never quotes the entry (the database's message may). */
    static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg) {
                return "PgException SQLSTATE " + pg.getSqlState();
            }
        }
        return failure.getClass().getSimpleName();
    }
}
