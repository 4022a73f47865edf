package io.llmgateway.contracts.events;

import io.llmgateway.contracts.WireRecord;
import io.llmgateway.contracts.internal.KeyState;
import java.math.BigDecimal;

/**
 * A change that routing caches must see within a second. {@code KEY_UPDATED} carries the key's new
 * state; {@code KEY_DELETED} only the hash; {@code ACCOUNT_BALANCE} the account's new ledger balance
 * (after a top-up or a debit) so every key of that account is re-evaluated.
 */
@WireRecord
public record KeyEvent(String type, String keyHash, String accountId, KeyState state, BigDecimal accountBalance, long at) {

    public static final String KEY_UPDATED = "key.updated";
    public static final String KEY_DELETED = "key.deleted";
    public static final String ACCOUNT_BALANCE = "account.balance";
}
