package io.llmgateway.contracts.internal;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.llmgateway.contracts.WireRecord;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * What routing needs to admit a request for one key, answered by auth's
 * {@code GET /internal/keys/{keyHash}} and pushed on the key-events stream. Never carries the secret.
 *
 * @param keyHash        SHA-256 hex of the key's secret, the key's public identifier
 * @param kind           {@link #INFERENCE} or {@link #MANAGEMENT}
 * @param limit          USD limit for the current reset period, null when unlimited
 * @param limitRemaining USD left of {@code limit} (already debited usage only), null when unlimited
 * @param accountBalance the account's ledger balance in USD (already debited usage only)
 * @param rpm            requests per minute allowed, null for the gateway default
 * @param tpm            tokens per minute allowed, null for no token limit
 * @param version        increases with every change, so an older state never overwrites a newer one
 */
@WireRecord
public record KeyState(
        String keyHash,
        String accountId,
        String label,
        String kind,
        boolean disabled,
        Instant expiresAt,
        BigDecimal limit,
        BigDecimal limitRemaining,
        String limitReset,
        BigDecimal accountBalance,
        Integer rpm,
        Integer tpm,
        long version) {

    public static final String INFERENCE = "inference";
    public static final String MANAGEMENT = "management";

    @JsonIgnore
    public boolean isManagement() {
        return MANAGEMENT.equals(kind);
    }

    @JsonIgnore
    public boolean isExpired(Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now);
    }
}
