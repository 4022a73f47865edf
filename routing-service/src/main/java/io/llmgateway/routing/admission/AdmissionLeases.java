package io.llmgateway.routing.admission;

import io.llmgateway.contracts.internal.KeyState;
import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.redis.PerEventLoop;
import io.llmgateway.routing.usage.RequestMeters;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Admission leases: a busy key's requests admitted without a Redis round trip each.
 *
 * <p>Why: the admission script was the largest share of Redis' work per request (a run costs about
 * the same however few requests it carries) and put a round trip in front of every response. When a
 * key has ample room, one script run reserves a block for one event loop of this replica (its
 * {@link AdmissionLease}): up to {@code gateway.credits.lease-requests} requests of the current
 * minute, their tokens, and their expected cost on the account's and key's pending counters. The
 * loop's next requests of that key are admitted from the block in memory.
 *
 * <p>What stays exact: every lease is reserved atomically in the same script as single admissions,
 * so limits and credit are never over-committed across replicas. A lease is taken only while the key
 * keeps a quarter of its minute free after it and the lease's credit is at most a sixteenth of what
 * the account (and key) have available; near a limit every request is admitted on its own again.
 * What a lease leaves unused returns: its credit when it ends (through {@link PendingSettlements}),
 * its requests and tokens with the script run of the lease that replaces it in the same minute.
 * The cost: credit and requests held by another replica's lease are not available to this one for
 * up to the rest of the minute.
 *
 * <p>Leases belong to one event loop each, so taking, drawing and giving back need no locks; a timer
 * on each loop ends the leases of past minutes.
 */
@Singleton
public class AdmissionLeases {

    private static final Logger LOG = Logger.getLogger(AdmissionLeases.class);
    private static final int MAX_LEASES_PER_LOOP = 10_000;

    /** The leases of one event loop; only that loop touches it. */
    private static final class Book {
        final Context context;
        final Map<String, AdmissionLease> leases = new HashMap<>();
        final Map<String, Future<AdmissionLease>> taking = new HashMap<>();

        Book(Context context) {
            this.context = context;
        }
    }

    private final Admission admission;
    private final PendingSettlements settlements;
    private final RequestMeters meters;
    private final int leaseRequests;
    private final List<Book> books = new CopyOnWriteArrayList<>();
    /** Set at shutdown: no lease is taken or kept any more. */
    private volatile boolean closed;
    private final PerEventLoop<Book> perLoop;

    public AdmissionLeases(Admission admission, PendingSettlements settlements, RequestMeters meters, Vertx vertx,
            RoutingConfig config) {
        this.admission = admission;
        this.settlements = settlements;
        this.meters = meters;
        this.leaseRequests = config.credits().leaseRequests();
        this.perLoop = new PerEventLoop<>(() -> {
            Book book = new Book(Vertx.currentContext());
            vertx.setPeriodic(1_000, id -> endPastMinutes(book));
            books.add(book);
            return book;
        }, null);
    }

    /** Admits the request from this loop's lease of the key, or null when it has none that covers it. */
    public Admission.Ticket draw(KeyState key, BigDecimal accountBalance, boolean freeModel, long tokens,
            long reservationMicros) {
        if (freeModel || leaseRequests <= 0) {
            return null;
        }
        Book book = perLoop.current();
        AdmissionLease lease = book == null ? null : book.leases.get(key.keyHash());
        Admission.Ticket ticket = lease == null ? null
                : lease.draw(key, accountBalance, System.currentTimeMillis(), tokens, reservationMicros);
        if (ticket != null) {
            meters.leased();
        }
        return ticket;
    }

    /**
     * Admits a request that {@link #draw} could not: takes a new lease for this loop when the key has
     * room for one (requests arriving while it is on its way wait for it), else, or when the script
     * refuses the lease, admits the request on its own.
     */
    public Future<Admission.Ticket> admit(KeyState key, BigDecimal accountBalance, boolean freeModel, long tokens,
            long reservationMicros) {
        Book book = freeModel || leaseRequests <= 0 || closed ? null : perLoop.current();
        int size = book == null ? 0 : size(key, tokens);
        if (size < 2 || !admission.roomForLease(key, accountBalance, size, tokens, reservationMicros)) {
            return admission.admit(key, accountBalance, freeModel, tokens, reservationMicros);
        }
        String hash = key.keyHash();
        Future<AdmissionLease> taking = book.taking.get(hash);
        if (taking == null) {
            taking = take(book, key, accountBalance, size, tokens, reservationMicros);
        }
        return taking.transform(ar -> {
            if (ar.failed()) {
                return Future.failedFuture(ar.cause());
            }
            Admission.Ticket ticket = draw(key, accountBalance, false, tokens, reservationMicros);
            return ticket != null ? Future.succeededFuture(ticket)
                    : admission.admit(key, accountBalance, false, tokens, reservationMicros);
        });
    }

    private Future<AdmissionLease> take(Book book, KeyState key, BigDecimal accountBalance, int size, long tokens,
            long reservationMicros) {
        String hash = key.keyHash();
        AdmissionLease replaced = book.leases.remove(hash);
        if (replaced != null) {
            settlements.release(replaced); // its unused requests and tokens go back in the new lease's run
        }
        Future<AdmissionLease> taking = admission.lease(key, accountBalance, size, Admission.tpmLimit(key) > 0 ? size * tokens : 0,
                size * reservationMicros, replaced).andThen(ar -> {
                    // runs before the waiters' callbacks, so they find the new lease in place
                    book.taking.remove(hash);
                    if (ar.succeeded() && ar.result() != null && closed) {
                        settlements.release(ar.result()); // granted after shutdown began: not kept
                    } else if (ar.succeeded() && ar.result() != null) {
                        meters.leaseGranted();
                        if (book.leases.size() >= MAX_LEASES_PER_LOOP) {
                            endAll(book);
                        }
                        book.leases.put(hash, ar.result());
                    }
                });
        if (!taking.isComplete()) { // one that failed at once (pool full) must not stay for later requests
            book.taking.put(hash, taking);
        }
        return taking;
    }

    /** Requests per lease: the configured size, a sixteenth of the key's minute and of its tokens. */
    private int size(KeyState key, long tokens) {
        int size = Math.min(leaseRequests, admission.rpmLimit(key) / 16);
        int tpm = Admission.tpmLimit(key);
        return tpm > 0 ? (int) Math.min(size, tpm / 16 / Math.max(1, tokens)) : size;
    }

    private void endPastMinutes(Book book) {
        long minute = System.currentTimeMillis() / 60_000;
        book.leases.values().removeIf(lease -> {
            if (lease.minute() == minute) {
                return false;
            }
            settlements.release(lease);
            return true;
        });
    }

    private void endAll(Book book) {
        book.leases.values().forEach(settlements::release);
        book.leases.clear();
    }

    /**
     * Returns every lease's credit before {@link PendingSettlements} writes its last corrections
     * (an earlier observer), and stops taking leases.
     */
    void stop(@Observes @Priority(1) ShutdownEvent event) throws InterruptedException {
        closed = true;
        if (!endEveryLease()) {
            LOG.warn("some admission leases were not returned at shutdown; their credit stays pending until the "
                    + "counters expire (gateway.credits.pending-ttl-seconds after the account's last request)");
        }
    }

    /** Ends every lease of every loop, each on its own loop; false if some loop did not within a second. */
    public boolean endEveryLease() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(books.size());
        for (Book book : new ArrayList<>(books)) {
            book.context.runOnContext(v -> {
                endAll(book);
                done.countDown();
            });
        }
        return done.await(1, TimeUnit.SECONDS);
    }
}
