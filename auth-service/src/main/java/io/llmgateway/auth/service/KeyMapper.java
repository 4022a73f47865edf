package io.llmgateway.auth.service;

import io.llmgateway.auth.model.CurrentKeyView;
import io.llmgateway.auth.model.KeySpend;
import io.llmgateway.auth.model.KeyView;
import io.llmgateway.auth.model.RateLimit;
import io.llmgateway.auth.persistence.AccountEntity;
import io.llmgateway.auth.persistence.ApiKeyEntity;
import io.llmgateway.contracts.internal.KeyState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Turns a stored key into what each audience sees; none of them ever carries the secret. */
public final class KeyMapper {

    private KeyMapper() {
    }

    public static KeyView view(ApiKeyEntity key, Instant now) {
        return new KeyView(key.hash, key.name, key.label, key.disabled, money(key.limitUsd),
                money(LimitPeriods.remaining(key, now)), key.limitReset, false,
                spend(key, now), key.createdAt, key.updatedAt, key.expiresAt, null, null, key.accountId,
                KeyState.MANAGEMENT.equals(key.kind), new RateLimit(key.rpm, key.tpm));
    }

    public static CurrentKeyView current(ApiKeyEntity key, Instant now,
            CurrentKeyView.FreeModelDailyRequests freeRequests) {
        boolean management = KeyState.MANAGEMENT.equals(key.kind);
        return new CurrentKeyView(key.label, key.name, money(key.limitUsd), money(LimitPeriods.remaining(key, now)),
                key.limitReset, spend(key, now), false, management, management, false, null, key.expiresAt,
                List.of(), freeRequests, null, key.accountId,
                new CurrentKeyView.CurrentRateLimit(key.rpm == null ? -1 : key.rpm, "1m",
                        "requests_per_minute and tokens_per_minute are enforced per key; null means the gateway default",
                        key.rpm, key.tpm));
    }

    private static KeySpend spend(ApiKeyEntity key, Instant now) {
        LimitPeriods.Usage usage = LimitPeriods.usage(key, now);
        return KeySpend.withoutByok(money(usage.total()), money(usage.daily()), money(usage.weekly()),
                money(usage.monthly()));
    }

    /** Routing's view. The version adds the key's and the account's counters, so a change to either raises it. */
    public static KeyState state(ApiKeyEntity key, AccountEntity account, Instant now) {
        return new KeyState(key.hash, key.accountId, key.label, key.kind, key.disabled, key.expiresAt,
                money(key.limitUsd), money(LimitPeriods.remaining(key, now)), key.limitReset,
                money(account == null ? BigDecimal.ZERO : account.balance), key.rpm, key.tpm,
                key.version + (account == null ? 0 : account.version));
    }

    /** Drops the database's trailing zeros (25.000000000 shows as 25) without losing a digit. */
    public static BigDecimal money(BigDecimal value) {
        if (value == null) {
            return null;
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
