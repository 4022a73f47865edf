package io.llmgateway.routing.admission;

import io.llmgateway.routing.config.RoutingConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Replaces each request's credit reservation by its real cost. The corrections (real minus reserved,
 * in micro-dollars) are summed per pending counter in memory and applied every
 * {@code gateway.credits.settle-interval} as one pipelined batch of INCRBY: a busy key costs one
 * command per interval instead of a Redis round trip per request. INCRBY is order-independent, so
 * it does not matter whether auth's release of the same request (after its debit) lands first. A
 * failed flush keeps its sums for the next one; until then a reservation only errs on the strict side
 * or by at most one interval's corrections, and the counter's TTL bounds any drift.
 */
@Singleton
public class PendingSettlements {

    private static final Logger LOG = Logger.getLogger(PendingSettlements.class);

    private final Map<String, AtomicLong> deltas = new ConcurrentHashMap<>();
    private final Redis redis;
    private final Vertx vertx;
    private final long intervalMillis;
    private final String ttlSeconds;
    private long timer = -1;

    @Inject
    public PendingSettlements(Redis redis, Vertx vertx, RoutingConfig config) {
        this(redis, vertx, config.credits().settleInterval().toMillis(), config.credits().pendingTtlSeconds());
    }

    public PendingSettlements(Redis redis, Vertx vertx, long intervalMillis, int ttlSeconds) {
        this.redis = redis;
        this.vertx = vertx;
        this.intervalMillis = Math.max(1, intervalMillis);
        this.ttlSeconds = Integer.toString(ttlSeconds);
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(intervalMillis, id -> flush());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        try {
            flush().toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("reservation corrections not flushed at shutdown (%s); the pending counters' TTL clears them",
                    e.getMessage());
        }
    }

    /** Records that the request behind {@code ticket} really cost {@code realMicros} (0 when it failed). */
    public void settle(Admission.Ticket ticket, long realMicros) {
        long delta = realMicros - ticket.reservationMicros();
        AdmissionLease lease = ticket.lease();
        if (delta < 0 && lease != null && !lease.owned()) {
            lease.owner().runOnContext(v -> apply(ticket, delta)); // a lease is touched on its own loop only
        } else {
            apply(ticket, delta);
        }
    }

    /**
     * What a request did not spend goes back to its lease while that lives; a cost beyond the
     * reservation, or a return to an ended lease, goes to the counters like any other correction.
     */
    private void apply(Admission.Ticket ticket, long delta) {
        if (delta < 0 && ticket.lease() != null && ticket.lease().giveBack(-delta)) {
            return;
        }
        correct(ticket.accountPendingKey(), ticket.keyPendingKey(), delta);
    }

    /** Ends {@code lease}: the credit it still holds leaves the pending counters. */
    public void release(AdmissionLease lease) {
        correct(lease.accountPendingKey(), lease.keyPendingKey(), -lease.retire());
    }

    private void correct(String accountPendingKey, String keyPendingKey, long delta) {
        if (delta == 0) {
            return;
        }
        add(accountPendingKey, delta);
        if (!keyPendingKey.equals(accountPendingKey)) {
            add(keyPendingKey, delta);
        }
    }

    private void add(String counter, long delta) {
        deltas.computeIfAbsent(counter, k -> new AtomicLong()).addAndGet(delta);
    }

    /** The correction summed for {@code counter} and not yet written. */
    public long unsent(String counter) {
        AtomicLong sum = deltas.get(counter);
        return sum == null ? 0 : sum.get();
    }

    /** Sends what has been summed since the last flush; exposed for tests. */
    public Future<Void> flush() {
        Map<String, Long> drained = new HashMap<>();
        deltas.forEach((counter, sum) -> {
            long delta = sum.getAndSet(0);
            if (delta != 0) {
                drained.put(counter, delta);
            }
        });
        if (drained.isEmpty()) {
            return Future.succeededFuture();
        }
        // Redis Cluster runs a batch only when all its keys are in one slot: one batch per hash tag
        // (account), each keeping its own sums when it fails
        Map<String, Map<String, Long>> byTag = new HashMap<>();
        drained.forEach((counter, delta) -> byTag.computeIfAbsent(hashTag(counter), t -> new HashMap<>())
                .put(counter, delta));
        List<Future<Void>> sends = new ArrayList<>(byTag.size());
        for (Map<String, Long> group : byTag.values()) {
            List<Request> batch = new ArrayList<>(group.size() * 2);
            group.forEach((counter, delta) -> {
                batch.add(Request.cmd(Command.INCRBY).arg(counter).arg(delta));
                batch.add(Request.cmd(Command.EXPIRE).arg(counter).arg(ttlSeconds));
            });
            sends.add(redis.batch(batch).<Void>mapEmpty().onFailure(e -> {
                group.forEach(this::add);
                LOG.debugf("reservation corrections kept for the next flush: %s", e.getMessage());
            }));
        }
        return sends.size() == 1 ? sends.get(0) : Future.all(sends).mapEmpty();
    }

    /** The part of a key Redis Cluster hashes: between the first '{' and the next '}', else the whole key. */
    static String hashTag(String key) {
        int open = key.indexOf('{');
        int close = open < 0 ? -1 : key.indexOf('}', open + 1);
        return close > open + 1 ? key.substring(open + 1, close) : key;
    }
}
