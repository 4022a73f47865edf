package io.llmgateway.routing.admission;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.internal.KeyState;
import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.redis.LoopRedis;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate limits and credit reservation in ONE atomic Lua script (at most one Redis round trip per
 * request, correct across any number of replicas; a busy key's requests of one event-loop turn share
 * one script run, see {@link RedisScript}). Limits are fixed one-minute windows (requests and
 * tokens per key) plus a per-day window for {@code :free} models; credits: the expected cost is
 * reserved on the account and key pending counters when available credit covers it.
 */
@Singleton
public class Admission {

    // KEYS: 1 rpm counter, 2 tpm counter, 3 daily counter, 4 account pending, 5 key pending (one hash slot)
    // ARGV: 1 rpm limit, 2 tpm limit (0 = none), 3 daily limit (0 = none), 4 seconds to minute end,
    //       5 seconds to day end, 6 balance micros, 7 has key limit, 8 key remaining micros, 9 pending ttl,
    //       10 n items, then per item: requests, tokens, reservation micros, requests and tokens given
    //       back (see RedisScript). An item is one request (1, its tokens, its reservation, 0, 0) or a
    //       lease of several (AdmissionLeases), which gives back what the lease it replaces left
    //       unused in this minute.
    // Replies per item: {code, limit, remaining, reset seconds, account pending, key pending, tpm used}.
    // The items are admitted one after the other, each against what the ones before it took; the
    // counters are then moved once by the totals. Each redis.call costs Redis about a microsecond, so
    // one MGET reads everything, and a counter's EXPIRE is set when this run creates it. The pending
    // counters' TTL, a safety net for settlements that never come, is also renewed whenever the key
    // starts a new minute. Give-backs only apply to counters that exist (one that expired took what
    // it counted with it).
    static final String SCRIPT = """
            local a = ARGV
            local rpmLimit, tpmLimit, dayLimit = tonumber(a[1]), tonumber(a[2]), tonumber(a[3])
            local toMinute, toDay, balance = tonumber(a[4]), tonumber(a[5]), tonumber(a[6])
            local hasKey, keyRemaining, n = a[7] == '1', tonumber(a[8]), tonumber(a[10])
            local v = redis.call('MGET', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
            local rpm, tpm, day = tonumber(v[1] or '0'), tonumber(v[2] or '0'), tonumber(v[3] or '0')
            local acct, kp = tonumber(v[4] or '0'), tonumber(v[5] or '0')
            local count, admitted, tokensIn, reserved, out = 0, 0, 0, 0, {}
            for i = 1, n do
              local j = 5 * i + 5
              local want, tokens, reservation = tonumber(a[j + 1]), tonumber(a[j + 2]), tonumber(a[j + 3])
              if v[1] then
                local back = math.min(tonumber(a[j + 4]), rpm)
                rpm, count = rpm - back, count - back
              end
              if v[2] then
                local back = math.min(tonumber(a[j + 5]), tpm)
                tpm, tokensIn = tpm - back, tokensIn - back
              end
              if rpm + want > rpmLimit then out[i] = {1, rpmLimit, math.max(0, rpmLimit - rpm), toMinute}
              elseif tpmLimit > 0 and tpm + tokens > tpmLimit then out[i] = {2, tpmLimit, math.max(0, tpmLimit - tpm), toMinute}
              elseif dayLimit > 0 and day + want > dayLimit then out[i] = {3, dayLimit, 0, toDay}
              elseif balance - acct < reservation then out[i] = {4, 0, 0, 0}
              elseif hasKey and keyRemaining - kp < reservation then out[i] = {5, 0, 0, 0}
              else
                rpm, count, admitted, day = rpm + want, count + want, admitted + want, day + want
                if tpmLimit > 0 then tpm, tokensIn = tpm + tokens, tokensIn + tokens end
                acct, reserved = acct + reservation, reserved + reservation
                if hasKey then kp = kp + reservation end
                out[i] = {0, rpmLimit, rpmLimit - rpm, toMinute, acct, hasKey and kp or 0, tpmLimit > 0 and tpm or 0}
              end
            end
            local fresh = not v[1] and admitted > 0
            if count ~= 0 then
              redis.call('INCRBY', KEYS[1], count)
              if fresh then redis.call('EXPIRE', KEYS[1], toMinute + 1) end
            end
            if tokensIn ~= 0 then
              redis.call('INCRBY', KEYS[2], tokensIn)
              if not v[2] then redis.call('EXPIRE', KEYS[2], toMinute + 1) end
            end
            if dayLimit > 0 and admitted > 0 then
              redis.call('INCRBY', KEYS[3], admitted)
              if not v[3] then redis.call('EXPIRE', KEYS[3], toDay + 1) end
            end
            if reserved > 0 then
              local ttl = tonumber(a[9])
              redis.call('INCRBY', KEYS[4], reserved)
              if not v[4] or fresh then redis.call('EXPIRE', KEYS[4], ttl) end
              if hasKey then
                redis.call('INCRBY', KEYS[5], reserved)
                if not v[5] or fresh then redis.call('EXPIRE', KEYS[5], ttl) end
              end
            end
            return out
            """;

    /**
     * What admission granted; settle it exactly once. {@code lease} is the lease it was drawn from
     * (null for a request admitted on its own), which takes back what the request did not spend.
     */
    public record Ticket(String accountPendingKey, String keyPendingKey, long reservationMicros, int limit, int remaining,
            long resetSeconds, AdmissionLease lease) {

        public Ticket(String accountPendingKey, String keyPendingKey, long reservationMicros, int limit, int remaining,
                long resetSeconds) {
            this(accountPendingKey, keyPendingKey, reservationMicros, limit, remaining, resetSeconds, null);
        }
    }

    /** What the last granted admission of a key showed: the basis of optimistic admission and of leases. */
    private record Seen(long minute, long remaining, long accountPending, long keyPending, long tokensUsed) {
    }

    /** The Redis keys and script arguments of one key's admission in the current minute. */
    private record Call(String[] keys, Object[] shared, String accountPending, String keyPending, boolean hasLimit,
            long minute, long nowSec, int rpm) {
    }

    private static final int MAX_SEEN = 100_000;
    /** After a failed script call (Redis down or slow), every request waits for admission for a while. */
    private static final long OPTIMISM_PAUSE_NANOS = 5_000_000_000L;
    private volatile long optimismPausedUntil = System.nanoTime();
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final LoopRedis redis;
    private final RedisKeys keys;
    private final RoutingConfig config;
    private final RedisScript admit;

    public Admission(LoopRedis redis, RedisKeys keys, RoutingConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.config = config;
        this.admit = new RedisScript(SCRIPT);
    }

    private Call call(KeyState key, BigDecimal accountBalance, boolean freeModel) {
        long nowSec = System.currentTimeMillis() / 1000;
        long minute = nowSec / 60;
        long day = nowSec / 86400;
        String tag = keys.prefix() + "gw:{acct:" + key.accountId() + "}:rl:" + key.keyHash();
        int rpm = freeModel ? config.limits().freeRpm() : rpmLimit(key);
        int tpm = tpmLimit(key);
        int daily = freeModel ? config.limits().freeDaily() : 0;
        boolean hasLimit = key.limitRemaining() != null;
        String accountPending = keys.accountPending(key.accountId());
        String keyPending = keys.keyPending(key.accountId(), key.keyHash());
        return new Call(new String[] { tag + (freeModel ? ":free" : "") + ":m:" + minute, tag + ":tpm:" + minute,
                tag + ":free:d:" + day, accountPending, keyPending },
                new Object[] { rpm, tpm, daily, 60 - nowSec % 60, 86400 - nowSec % 86400, micros(accountBalance),
                        hasLimit ? "1" : "0", hasLimit ? micros(key.limitRemaining()) : 0,
                        config.credits().pendingTtlSeconds() },
                accountPending, hasLimit ? keyPending : accountPending, hasLimit, minute, nowSec, rpm);
    }

    int rpmLimit(KeyState key) {
        return key.rpm() != null && key.rpm() > 0 ? key.rpm() : config.limits().defaultRpm();
    }

    /** The key's tokens per minute, 0 when it has no token limit. */
    static int tpmLimit(KeyState key) {
        return key.tpm() == null ? 0 : key.tpm();
    }

    /** Runs one item; a granted one is remembered as the key's last admission on this replica. */
    private Future<Response> run(KeyState key, Call call, Object[] item) {
        return admit.run(redis.current(), call.keys(), call.shared(), item)
                .onFailure(e -> optimismPausedUntil = System.nanoTime() + OPTIMISM_PAUSE_NANOS)
                .map(resp -> {
                    if (resp.get(0).toInteger() != 0) {
                        // refused: this key's next requests wait for their admission again, so a key
                        // at its limit never sends provider calls that are cut right after
                        seen.remove(key.keyHash());
                    } else {
                        if (seen.size() >= MAX_SEEN) {
                            seen.clear(); // bounded; keys simply wait for their next admission again
                        }
                        seen.put(key.keyHash(), new Seen(call.minute(), resp.get(2).toLong(), resp.get(4).toLong(),
                                resp.get(5).toLong(), resp.get(6).toLong()));
                    }
                    return resp;
                });
    }

    /** Admits one request on its own: its ticket, or a 429/402 {@link GatewayException}. */
    public Future<Ticket> admit(KeyState key, BigDecimal accountBalance, boolean freeModel, long tokens,
            long reservationMicros) {
        Call call = call(key, accountBalance, freeModel);
        return run(key, call, new Object[] { 1, tokens, reservationMicros, 0, 0 }).map(resp -> {
            int code = resp.get(0).toInteger();
            long limit = resp.get(1).toLong();
            long remaining = resp.get(2).toLong();
            long reset = resp.get(3).toLong();
            switch (code) {
                case 0:
                    return new Ticket(call.accountPending(), call.keyPending(), reservationMicros, (int) limit,
                            (int) remaining, reset);
                case 1, 2, 3: {
                    Map<String, String> headers = new HashMap<>();
                    headers.put("Retry-After", Long.toString(Math.max(1, reset)));
                    headers.put("X-RateLimit-Limit", Long.toString(limit));
                    headers.put("X-RateLimit-Remaining", Long.toString(remaining));
                    headers.put("X-RateLimit-Reset", Long.toString((call.nowSec() + reset) * 1000));
                    String what = code == 1 ? (freeModel ? "free-model requests per minute" : "requests per minute")
                            : code == 2 ? "tokens per minute" : "free-model requests per day";
                    throw new GatewayException(429, "Rate limit exceeded: " + what,
                            Map.of("limit", limit, "reset_seconds", reset), headers);
                }
                case 4:
                    throw new GatewayException(402, "Insufficient credits: the account cannot cover the "
                            + "expected cost of this request. Add credits or use a cheaper model.");
                default:
                    throw new GatewayException(402, "Key limit exceeded: this key's remaining limit cannot cover"
                            + " the expected cost of this request.");
            }
        });
    }

    /**
     * Reserves a lease for this replica in one script run: {@code requests} requests and
     * {@code tokens} tokens of the key's current minute and {@code creditMicros} of its account's (and
     * key's) credit, after giving back what the lease it replaces left unused of this minute. Null
     * when the script refused it (the caller then admits the request on its own).
     */
    Future<AdmissionLease> lease(KeyState key, BigDecimal accountBalance, int requests, long tokens, long creditMicros,
            AdmissionLease replaced) {
        Call call = call(key, accountBalance, false);
        boolean sameMinute = replaced != null && replaced.minute() == call.minute();
        Object[] item = { requests, tokens, creditMicros, sameMinute ? replaced.requestsLeft() : 0,
                sameMinute ? replaced.tokensLeft() : 0 };
        io.vertx.core.Context owner = io.vertx.core.Vertx.currentContext();
        return run(key, call, item).map(resp -> resp.get(0).toInteger() != 0 ? null
                : new AdmissionLease(owner, key, call.accountPending(), call.keyPending(), call.minute(), call.rpm(),
                        resp.get(2).toLong(), resp.get(4).toLong(), resp.get(5).toLong(), requests, tokens, creditMicros));
    }

    /**
     * True when this replica's last admission of the key left room for a lease of {@code requests}
     * requests of {@code tokens} tokens each and {@code reservationMicros} each: a quarter of the
     * key's minute still free after it, and the lease's credit at most a sixteenth of what the
     * account (and key) have available, so leases held by other replicas never starve a key.
     */
    boolean roomForLease(KeyState key, BigDecimal accountBalance, int requests, long tokens, long reservationMicros) {
        Seen last = seen.get(key.keyHash());
        if (last == null || last.minute() != System.currentTimeMillis() / 60_000
                || System.nanoTime() - optimismPausedUntil < 0) {
            return false; // a new minute: one request admitted on its own shows where the key stands
        }
        int rpm = rpmLimit(key);
        if (last.remaining() - requests < rpm / 4) {
            return false;
        }
        int tpm = tpmLimit(key);
        if (tpm > 0 && tpm - last.tokensUsed() - requests * tokens < tpm / 4) {
            return false;
        }
        return creditCovers(key, accountBalance, last, Math.max(1, reservationMicros) * requests * 16);
    }

    /** Whether the account's (and key's) credit, less what was pending at the last admission, covers {@code needed}. */
    private static boolean creditCovers(KeyState key, BigDecimal accountBalance, Seen last, long needed) {
        return micros(accountBalance) - last.accountPending() >= needed
                && (key.limitRemaining() == null || micros(key.limitRemaining()) - last.keyPending() >= needed);
    }

    /**
     * True when this key's last admission on this replica left so much room that this request will
     * almost surely be admitted too, so its upstream call may start before the script answers: room
     * for {@code optimistic-headroom} more reservations of this size on the account and key, and for
     * a tenth of the key's requests and tokens per minute. Free-model requests (a daily limit) always
     * wait.
     */
    public boolean ample(KeyState key, BigDecimal accountBalance, boolean freeModel, long tokens,
            long reservationMicros) {
        int factor = config.credits().optimisticHeadroom();
        Seen last = seen.get(key.keyHash());
        if (factor <= 0 || last == null || freeModel || System.nanoTime() - optimismPausedUntil < 0) {
            return false; // while Redis fails, an early provider call would only be cut again
        }
        boolean sameWindow = last.minute() == System.currentTimeMillis() / 60_000; // a new window starts full
        int rpm = rpmLimit(key);
        long remaining = sameWindow ? last.remaining() : rpm;
        if (remaining < Math.max(16, rpm / 10)) {
            return false;
        }
        int tpm = tpmLimit(key);
        long tokensLeft = tpm - (sameWindow ? last.tokensUsed() : 0);
        if (tpm > 0 && tokensLeft < Math.max(16 * tokens, tpm / 10)) {
            return false;
        }
        return creditCovers(key, accountBalance, last, Math.max(1, reservationMicros) * factor);
    }

    public static long micros(BigDecimal usd) {
        return usd == null ? 0 : usd.movePointRight(6).setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
