package io.llmgateway.routing.service;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.internal.KeyState;
import io.llmgateway.routing.client.LoopRedis;
import io.llmgateway.routing.config.GatewayConfig;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate limits and credit reservation in ONE atomic Lua script (one Redis round trip per request,
 * correct across any number of replicas). Limits are fixed one-minute windows (requests and
 * tokens per key) plus a per-day window for {@code :free} models; credits: the expected cost is
 * reserved on the account and key pending counters when available credit covers it.
 */
@ApplicationScoped
public class Admission {

    // KEYS: 1 rpm counter, 2 tpm counter, 3 daily counter, 4 account pending, 5 key pending
    // ARGV: 1 rpm limit, 2 tpm limit (0 = none), 3 tokens, 4 daily limit (0 = none), 5 seconds to minute end,
    //       6 seconds to day end, 7 balance micros, 8 has key limit, 9 key remaining micros, 10 reservation,
    //       11 pending ttl
    private static final String SCRIPT = """
            local rpm = tonumber(redis.call('GET', KEYS[1]) or '0')
            if rpm + 1 > tonumber(ARGV[1]) then return {1, tonumber(ARGV[1]), 0, tonumber(ARGV[5])} end
            local tpmLimit = tonumber(ARGV[2])
            local tpm = tonumber(redis.call('GET', KEYS[2]) or '0')
            if tpmLimit > 0 and tpm + tonumber(ARGV[3]) > tpmLimit then return {2, tpmLimit, math.max(0, tpmLimit - tpm), tonumber(ARGV[5])} end
            local dayLimit = tonumber(ARGV[4])
            if dayLimit > 0 then
              local day = tonumber(redis.call('GET', KEYS[3]) or '0')
              if day + 1 > dayLimit then return {3, dayLimit, 0, tonumber(ARGV[6])} end
            end
            local reservation = tonumber(ARGV[10])
            local acct = tonumber(redis.call('GET', KEYS[4]) or '0')
            if tonumber(ARGV[7]) - acct < reservation then return {4, 0, 0, 0} end
            if ARGV[8] == '1' then
              local kp = tonumber(redis.call('GET', KEYS[5]) or '0')
              if tonumber(ARGV[9]) - kp < reservation then return {5, 0, 0, 0} end
            end
            redis.call('INCR', KEYS[1]); redis.call('EXPIRE', KEYS[1], tonumber(ARGV[5]) + 1)
            if tpmLimit > 0 then redis.call('INCRBY', KEYS[2], tonumber(ARGV[3])); redis.call('EXPIRE', KEYS[2], tonumber(ARGV[5]) + 1) end
            if dayLimit > 0 then redis.call('INCR', KEYS[3]); redis.call('EXPIRE', KEYS[3], tonumber(ARGV[6]) + 1) end
            if reservation > 0 then
              redis.call('INCRBY', KEYS[4], reservation); redis.call('EXPIRE', KEYS[4], tonumber(ARGV[11]))
              if ARGV[8] == '1' then redis.call('INCRBY', KEYS[5], reservation); redis.call('EXPIRE', KEYS[5], tonumber(ARGV[11])) end
            end
            local kpAfter = 0
            if ARGV[8] == '1' then kpAfter = tonumber(redis.call('GET', KEYS[5]) or '0') end
            local tpmAfter = 0
            if tpmLimit > 0 then tpmAfter = tpm + tonumber(ARGV[3]) end
            return {0, tonumber(ARGV[1]), tonumber(ARGV[1]) - rpm - 1, tonumber(ARGV[5]), acct + reservation, kpAfter, tpmAfter}
            """;

    /** What admission granted; settle it exactly once. */
    public record Ticket(String accountPendingKey, String keyPendingKey, long reservationMicros, int limit, int remaining,
            long resetSeconds) {
    }

    /** What the last granted admission of a key showed: the basis of optimistic admission. */
    private record Seen(long minute, long remaining, long accountPending, long keyPending, long tokensUsed) {
    }

    private static final int MAX_SEEN = 100_000;
    /** After a failed script call (Redis down or slow), every request waits for admission for a while. */
    private static final long OPTIMISM_PAUSE_NANOS = 5_000_000_000L;
    private volatile long optimismPausedUntil = System.nanoTime();
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final LoopRedis redis;
    private final RedisKeys keys;
    private final GatewayConfig config;
    private final RedisScript admit;

    public Admission(LoopRedis redis, RedisKeys keys, GatewayConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.config = config;
        this.admit = new RedisScript(SCRIPT);
    }

    public Future<Ticket> admit(KeyState key, BigDecimal accountBalance, boolean freeModel, long tokens,
            long reservationMicros) {
        long nowSec = System.currentTimeMillis() / 1000;
        long minute = nowSec / 60;
        long day = nowSec / 86400;
        long toMinuteEnd = 60 - nowSec % 60;
        long toDayEnd = 86400 - nowSec % 86400;
        String tag = keys.prefix() + "gw:{acct:" + key.accountId() + "}:rl:" + key.keyHash();
        int rpm = freeModel ? config.limits().freeRpm()
                : key.rpm() != null && key.rpm() > 0 ? key.rpm() : config.limits().defaultRpm();
        String rpmKey = tag + (freeModel ? ":free" : "") + ":m:" + minute;
        int tpm = key.tpm() == null ? 0 : key.tpm();
        int daily = freeModel ? config.limits().freeDaily() : 0;
        boolean hasLimit = key.limitRemaining() != null;
        String accountPending = keys.accountPending(key.accountId());
        String keyPending = keys.keyPending(key.accountId(), key.keyHash());
        return admit.run(redis.current(), new String[] { rpmKey, tag + ":tpm:" + minute, tag + ":free:d:" + day, accountPending,
                keyPending }, new Object[] { rpm, tpm, tokens, daily, toMinuteEnd, toDayEnd, micros(accountBalance),
                        hasLimit ? "1" : "0", hasLimit ? micros(key.limitRemaining()) : 0, reservationMicros,
                        config.credits().pendingTtlSeconds() })
                .onFailure(e -> optimismPausedUntil = System.nanoTime() + OPTIMISM_PAUSE_NANOS)
                .map(resp -> {
                    int code = resp.get(0).toInteger();
                    long limit = resp.get(1).toLong();
                    long remaining = resp.get(2).toLong();
                    long reset = resp.get(3).toLong();
                    if (code != 0) {
                        // refused: this key's next requests wait for their admission again, so a key
                        // at its limit never sends provider calls that are cut right after
                        seen.remove(key.keyHash());
                    }
                    switch (code) {
                        case 0:
                            if (seen.size() >= MAX_SEEN) {
                                seen.clear(); // bounded; keys simply wait for their next admission again
                            }
                            seen.put(key.keyHash(), new Seen(minute, remaining, resp.get(4).toLong(),
                                    resp.get(5).toLong(), resp.get(6).toLong()));
                            return new Ticket(accountPending, hasLimit ? keyPending : accountPending,
                                    reservationMicros, (int) limit, (int) remaining, reset);
                        case 1, 2, 3: {
                            Map<String, String> headers = new HashMap<>();
                            headers.put("Retry-After", Long.toString(Math.max(1, reset)));
                            headers.put("X-RateLimit-Limit", Long.toString(limit));
                            headers.put("X-RateLimit-Remaining", Long.toString(remaining));
                            headers.put("X-RateLimit-Reset", Long.toString((nowSec + reset) * 1000));
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
        int rpm = key.rpm() != null && key.rpm() > 0 ? key.rpm() : config.limits().defaultRpm();
        long remaining = sameWindow ? last.remaining() : rpm;
        if (remaining < Math.max(16, rpm / 10)) {
            return false;
        }
        int tpm = key.tpm() == null ? 0 : key.tpm();
        long tokensLeft = tpm - (sameWindow ? last.tokensUsed() : 0);
        if (tpm > 0 && tokensLeft < Math.max(16 * tokens, tpm / 10)) {
            return false;
        }
        long needed = Math.max(1, reservationMicros) * factor;
        if (micros(accountBalance) - last.accountPending() < needed) {
            return false;
        }
        return key.limitRemaining() == null || micros(key.limitRemaining()) - last.keyPending() >= needed;
    }

    public static long micros(BigDecimal usd) {
        return usd == null ? 0 : usd.movePointRight(6).setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
