package io.llmgateway.routing.keys;

import io.llmgateway.contracts.events.KeyEvent;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.internal.KeyState;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.usage.StreamTail;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Key states served from memory. A miss asks auth once (concurrent misses for one key share that
 * call); unknown keys are remembered briefly; key events from auth update or drop entries within a
 * second; a TTL refetches entries that saw no event as a safety net. When auth is down a stale entry
 * is still served.
 */
@Singleton
public class KeyCache {

    private static final Logger LOG = Logger.getLogger(KeyCache.class);
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private record Entry(KeyState state, long fetchedAt) {
    }

    private record Balance(BigDecimal balance, long at) {
    }

    private final AuthClient auth;
    private final Vertx vertx;
    private final Redis redis;
    private final RedisKeys keys;
    private final long ttlMs;
    private final long negativeTtlMs;
    private final long staleWaitMs;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Future<Optional<KeyState>>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Balance> balances = new ConcurrentHashMap<>();
    private StreamTail tail;

    public KeyCache(AuthClient auth, Vertx vertx, Redis redis, RedisKeys keys, RoutingConfig config) {
        this.auth = auth;
        this.vertx = vertx;
        this.redis = redis;
        this.keys = keys;
        this.ttlMs = config.keys().ttl().toMillis();
        this.negativeTtlMs = config.keys().negativeTtl().toMillis();
        this.staleWaitMs = Math.max(1, config.keys().staleWait().toMillis());
    }

    void start(@Observes StartupEvent event) {
        // after a reconnect we may have missed events: forget everything, refetch on demand
        tail = new StreamTail(vertx, redis, keys.keyEventsStream(), this::onEvent, entries::clear);
        tail.start();
    }

    void stop(@Observes ShutdownEvent event) {
        if (tail != null) {
            tail.stop();
        }
    }

    public static String hash(String secret) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** The key's state, empty when auth does not know it. Fails only when auth is unreachable and nothing is cached. */
    public Future<Optional<KeyState>> lookup(String keyHash) {
        long now = System.currentTimeMillis();
        Entry entry = entries.get(keyHash);
        if (entry != null) {
            long age = now - entry.fetchedAt;
            if (age < (entry.state == null ? negativeTtlMs : ttlMs)) {
                return Future.succeededFuture(Optional.ofNullable(entry.state));
            }
            if (entry.state != null && (age < 2 * ttlMs || inFlight.containsKey(keyHash))) {
                // past the safety TTL: answer from memory, refresh in the background (events keep it
                // current anyway; this only bounds how long a missed event can matter). While a
                // refresh is on its way, nobody waits for it: an auth that accepts connections but
                // does not answer held every request of the key for the whole auth-call timeout.
                fetch(keyHash, entry);
                return Future.succeededFuture(Optional.of(entry.state));
            }
            if (entry.state != null) {
                // long past it: the request that refreshes waits for auth, but not for long
                Promise<Optional<KeyState>> answer = Promise.promise();
                long timer = vertx.setTimer(staleWaitMs, t -> answer.tryComplete(Optional.of(entry.state)));
                fetch(keyHash, entry).onComplete(ar -> {
                    vertx.cancelTimer(timer);
                    answer.tryComplete(ar.succeeded() ? ar.result() : Optional.of(entry.state));
                });
                return answer.future();
            }
        }
        return fetch(keyHash, entry);
    }

    private Future<Optional<KeyState>> fetch(String keyHash, Entry stale) {
        Promise<Optional<KeyState>> promise = Promise.promise();
        Future<Optional<KeyState>> existing = inFlight.putIfAbsent(keyHash, promise.future());
        if (existing != null) {
            return existing;
        }
        long started = System.currentTimeMillis();
        auth.key(keyHash).onComplete(ar -> {
            inFlight.remove(keyHash);
            if (ar.succeeded()) {
                KeyState state = ar.result().orElse(null);
                entries.put(keyHash, new Entry(state, started));
                if (state != null && state.accountBalance() != null) {
                    noteBalance(state.accountId(), state.accountBalance(), started);
                }
                promise.complete(ar.result());
            } else if (stale != null) {
                LOG.debugf("auth unreachable, serving a stale key state: %s", ar.cause().getMessage());
                promise.complete(Optional.ofNullable(stale.state));
            } else {
                promise.fail(ar.cause());
            }
        });
        return promise.future();
    }

    /** Latest known ledger balance of the account (events may be newer than the key state). */
    public BigDecimal accountBalance(KeyState state) {
        Balance b = balances.get(state.accountId());
        return b != null ? b.balance : (state.accountBalance() == null ? BigDecimal.ZERO : state.accountBalance());
    }

    private void noteBalance(String accountId, BigDecimal balance, long at) {
        if (accountId == null) {
            return;
        }
        balances.merge(accountId, new Balance(balance, at), (old, neu) -> neu.at >= old.at ? neu : old);
    }

    void onEvent(Map<String, String> fields) {
        String data = fields.get(RedisKeys.DATA_FIELD);
        if (data == null) {
            return;
        }
        KeyEvent event;
        try {
            event = Json.MAPPER.readValue(data, KeyEvent.class);
        } catch (Exception e) {
            LOG.warnf("unreadable key event ignored: %s", e.getMessage());
            return;
        }
        long now = System.currentTimeMillis();
        switch (event.type() == null ? "" : event.type()) {
            case KeyEvent.KEY_UPDATED -> {
                if (event.state() != null) {
                    entries.compute(event.keyHash(), (k, old) -> old != null && old.state != null
                            && old.state.version() > event.state().version() ? old : new Entry(event.state(), now));
                    if (event.state().accountBalance() != null) {
                        noteBalance(event.state().accountId(), event.state().accountBalance(), now);
                    }
                } else {
                    entries.remove(event.keyHash());
                }
            }
            case KeyEvent.KEY_DELETED -> entries.put(event.keyHash(), new Entry(null, now));
            case KeyEvent.ACCOUNT_BALANCE -> {
                if (event.accountBalance() != null) {
                    noteBalance(event.accountId(), event.accountBalance(), now);
                }
            }
            default -> LOG.debugf("key event of unknown type %s ignored", event.type());
        }
    }

    /** Tests: forget everything. */
    public void clear() {
        entries.clear();
        balances.clear();
    }
}
