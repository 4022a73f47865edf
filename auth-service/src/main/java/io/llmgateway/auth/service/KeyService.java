package io.llmgateway.auth.service;

import io.llmgateway.auth.config.AuthConfig;
import io.llmgateway.auth.model.CreateKeyRequest;
import io.llmgateway.auth.model.CreatedKey;
import io.llmgateway.auth.model.CurrentKeyView;
import io.llmgateway.auth.model.Deleted;
import io.llmgateway.auth.model.KeyView;
import io.llmgateway.auth.persistence.AccountEntity;
import io.llmgateway.auth.persistence.ApiKeyEntity;
import io.llmgateway.auth.stream.KeyEventPublisher;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.events.KeyEvent;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.internal.KeyState;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Key management for a calling management key, always inside the caller's account: a hash of
 * another account answers exactly like an unknown hash (404), so accounts cannot probe each other.
 */
@ApplicationScoped
public class KeyService {

    static final int PAGE_SIZE = 100;

    private static final Logger LOG = Logger.getLogger(KeyService.class);

    private final Clock clock;
    private final KeyEventPublisher events;
    private final ReactiveValueCommands<String, String> values;
    private final RedisKeys redisKeys;
    private final int freeDailyLimit;

    public KeyService(Clock clock, KeyEventPublisher events, ReactiveRedisDataSource redis, RedisKeys redisKeys,
            AuthConfig config) {
        this.clock = clock;
        this.events = events;
        this.values = redis.value(String.class, String.class);
        this.redisKeys = redisKeys;
        this.freeDailyLimit = config.free().dailyLimit();
    }

    public Uni<CurrentKeyView> current(ApiKeyEntity caller) {
        Instant now = clock.instant();
        return freeModelDailyRequests(caller, now).map(free -> KeyMapper.current(caller, now, free));
    }

    /**
     * Today's {@code :free} model requests of the key, from the counter routing increments on admission
     * ({@code gw:{acct:ID}:rl:HASH:free:d:EPOCHDAY}, UTC days). A Redis failure shows 0 used rather than
     * failing the whole answer.
     */
    Uni<CurrentKeyView.FreeModelDailyRequests> freeModelDailyRequests(ApiKeyEntity key, Instant now) {
        String counter = freeDailyCounterKey(redisKeys, key.accountId, key.hash, now);
        return values.get(counter)
                .map(KeyService::counterValue)
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("free-model counter of key %s unreadable: %s", key.label, failure.getMessage());
                    return 0;
                })
                .map(used -> new CurrentKeyView.FreeModelDailyRequests(freeDailyLimit,
                        Math.max(0, freeDailyLimit - used), used));
    }

    /** Routing's per-key daily counter of {@code :free} model requests for the UTC day of {@code now}. */
    public static String freeDailyCounterKey(RedisKeys redisKeys, String accountId, String keyHash, Instant now) {
        long epochDay = now.getEpochSecond() / 86400;
        return redisKeys.prefix() + "gw:{acct:" + accountId + "}:rl:" + keyHash + ":free:d:" + epochDay;
    }

    private static int counterValue(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            long used = Long.parseLong(value.trim());
            return (int) Math.max(0, Math.min(Integer.MAX_VALUE, used));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public Uni<List<KeyView>> list(ApiKeyEntity caller, boolean includeDisabled, int offset) {
        if (offset < 0) {
            throw GatewayException.badRequest("'offset' must not be negative");
        }
        Instant now = clock.instant();
        String query = includeDisabled ? "accountId = ?1" : "accountId = ?1 and disabled = false";
        return Panache.withSession(() -> ApiKeyEntity.<ApiKeyEntity>find(query, Sort.by("createdAt").and("hash"),
                caller.accountId).range(offset, offset + PAGE_SIZE - 1).list())
                .map(keys -> keys.stream().map(k -> KeyMapper.view(k, now)).toList());
    }

    public Uni<KeyView> get(ApiKeyEntity caller, String hash) {
        Instant now = clock.instant();
        return Panache.withSession(() -> owned(caller, hash, false)).map(k -> KeyMapper.view(k, now));
    }

    public Uni<CreatedKey> create(ApiKeyEntity caller, CreateKeyRequest request) {
        if (request == null) {
            throw GatewayException.badRequest("Request body required");
        }
        Instant now = now();
        String name = Validation.name(request.name(), "name");
        BigDecimal limit = Validation.usd(request.limit(), "limit", false);
        String limitReset = Validation.limitReset(request.limitReset());
        Instant expiresAt = Validation.expiresAt(request.expiresAt(), now);
        String secret = KeySecrets.newSecret();
        ApiKeyEntity key = newKey(caller.accountId, KeyState.INFERENCE, name, secret, now);
        key.limitUsd = limit;
        key.limitReset = limitReset;
        key.expiresAt = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS);
        if (request.rateLimit() != null) {
            key.rpm = Validation.perMinute(request.rateLimit().requestsPerMinute(), "requests_per_minute");
            key.tpm = Validation.perMinute(request.rateLimit().tokensPerMinute(), "tokens_per_minute");
        }
        return Panache.withTransaction(() -> key.persist().chain(() -> account(caller.accountId)))
                .call(account -> events.publish(updated(key, account, now)))
                .map(account -> new CreatedKey(KeyMapper.view(key, now), secret));
    }

    public Uni<KeyView> patch(ApiKeyEntity caller, String hash, KeyPatch patch) {
        Instant now = now();
        return Panache.withTransaction(() -> owned(caller, hash, true).chain(key -> {
            apply(key, patch, now);
            key.version++;
            key.updatedAt = now;
            return account(key.accountId).map(account -> updated(key, account, now));
        })).call(events::publish).chain(event -> get(caller, hash));
    }

    public Uni<Deleted> delete(ApiKeyEntity caller, String hash) {
        Instant now = now();
        return Panache.withTransaction(() -> owned(caller, hash, true).chain(key -> key.delete()))
                .call(() -> events.publish(new KeyEvent(KeyEvent.KEY_DELETED, hash, caller.accountId, null, null,
                        now.toEpochMilli())))
                .map(ignored -> new Deleted(true));
    }

    /** Routing's view of any key, by hash; 404 when unknown. */
    public Uni<KeyState> state(String hash) {
        if (!KeySecrets.isHash(hash)) {
            return Uni.createFrom().failure(GatewayException.notFound("Unknown key"));
        }
        Instant now = clock.instant();
        return Panache.withSession(() -> ApiKeyEntity.<ApiKeyEntity>findById(hash).chain(key -> {
            if (key == null) {
                throw GatewayException.notFound("Unknown key");
            }
            return account(key.accountId).map(account -> KeyMapper.state(key, account, now));
        }));
    }

    /** A new key row (not yet persisted) for {@code secret}; only its hash and display label are kept. */
    ApiKeyEntity newKey(String accountId, String kind, String name, String secret, Instant now) {
        ApiKeyEntity key = new ApiKeyEntity();
        key.hash = KeySecrets.hash(secret);
        key.accountId = accountId;
        key.name = name;
        key.label = KeySecrets.label(secret);
        key.kind = kind;
        key.usageTotal = BigDecimal.ZERO;
        key.usageDaily = BigDecimal.ZERO;
        key.usageWeekly = BigDecimal.ZERO;
        key.usageMonthly = BigDecimal.ZERO;
        key.version = 1;
        key.createdAt = now;
        key.updatedAt = now;
        return key;
    }

    private static void apply(ApiKeyEntity key, KeyPatch patch, Instant now) {
        if (patch.has("name")) {
            key.name = patch.name();
        }
        if (patch.has("disabled")) {
            key.disabled = patch.disabled();
        }
        if (patch.has("limit")) {
            key.limitUsd = patch.limit();
        }
        if (patch.has("limit_reset")) {
            key.limitReset = patch.limitReset();
        }
        if (patch.has("expires_at")) {
            Instant expiresAt = Validation.expiresAt(patch.expiresAt(), now);
            key.expiresAt = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS);
        }
        if (patch.hasRate("requests_per_minute")) {
            key.rpm = patch.perMinute("requests_per_minute");
        }
        if (patch.hasRate("tokens_per_minute")) {
            key.tpm = patch.perMinute("tokens_per_minute");
        }
    }

    private static Uni<ApiKeyEntity> owned(ApiKeyEntity caller, String hash, boolean lock) {
        if (!KeySecrets.isHash(hash)) {
            return Uni.createFrom().failure(GatewayException.notFound("Unknown key"));
        }
        Uni<ApiKeyEntity> found = lock ? ApiKeyEntity.findById(hash, LockModeType.PESSIMISTIC_WRITE)
                : ApiKeyEntity.findById(hash);
        return found.map(key -> {
            if (key == null || !key.accountId.equals(caller.accountId)) {
                throw GatewayException.notFound("Unknown key");
            }
            return key;
        });
    }

    private static Uni<AccountEntity> account(String accountId) {
        return AccountEntity.findById(accountId);
    }

    private static KeyEvent updated(ApiKeyEntity key, AccountEntity account, Instant now) {
        return new KeyEvent(KeyEvent.KEY_UPDATED, key.hash, key.accountId, KeyMapper.state(key, account, now), null,
                now.toEpochMilli());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
