package io.llmgateway.routing.admission;

import io.llmgateway.contracts.internal.KeyState;
import io.vertx.core.Context;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A block of one key's admission reserved in Redis for one event loop of this replica: requests and
 * tokens of one minute, and credit on the key's pending counters. Requests drawn from it are admitted
 * without a Redis round trip; each gives back what it reserved but did not spend when it ends.
 *
 * <p>Owned by one event loop (see {@link AdmissionLeases}): every method runs on that loop, so there
 * is no locking. Once retired, what is left of its credit goes back to the pending counters, and the
 * requests still in flight settle their corrections there directly.
 */
public final class AdmissionLease {

    /** The event loop that owns the lease (see AdmissionLeases). */
    private final Context owner;
    private final Thread ownerThread;
    private final String accountPendingKey;
    private final String keyPendingKey;
    private final long minute;
    private final int rpmLimit;
    /** The key's minute as the script left it, with this whole lease counted as used. */
    private final long remainingAtGrant;
    /**
     * The pending counters at grant, this lease included, less one micro-dollar, in USD: the balance
     * (and the key's remaining limit) must stay above them, which is micros(balance) >= pending without
     * converting the balance on every draw.
     */
    private final BigDecimal balanceFloor;
    private final BigDecimal keyRemainingFloor;
    /** Whether the key limits tokens per minute, so the lease counts them. */
    private final boolean limitsTokens;
    /** The key's settings at grant: a changed limit ends the lease at once. */
    private final Integer keyRpm;
    private final Integer keyTpm;
    private final BigDecimal keyLimit;
    private int requestsLeft;
    private long tokensLeft;
    private long creditMicros;
    private boolean retired;

    AdmissionLease(Context owner, KeyState key, String accountPendingKey, String keyPendingKey, long minute, int rpmLimit,
            long remainingAtGrant, long accountPendingAtGrant, long keyPendingAtGrant, int requests, long tokens,
            long creditMicros) {
        this.owner = owner;
        this.ownerThread = Thread.currentThread();
        this.accountPendingKey = accountPendingKey;
        this.keyPendingKey = keyPendingKey;
        this.minute = minute;
        this.rpmLimit = rpmLimit;
        this.remainingAtGrant = remainingAtGrant;
        this.balanceFloor = BigDecimal.valueOf(accountPendingAtGrant - 1, 6);
        this.keyRemainingFloor = BigDecimal.valueOf(keyPendingAtGrant - 1, 6);
        this.limitsTokens = Admission.tpmLimit(key) > 0;
        this.keyRpm = key.rpm();
        this.keyTpm = key.tpm();
        this.keyLimit = key.limit();
        this.requestsLeft = requests;
        this.tokensLeft = tokens;
        this.creditMicros = creditMicros;
    }

    /**
     * Admits one request from the lease, or null when it cannot: retired, another minute, the key's
     * limits changed since the grant, not enough requests, tokens or credit left, or the account's
     * balance (or the key's remaining limit) as this replica now knows it no longer covers what was
     * pending when the lease was granted. Debits lower the balance as they settle, so a lease of an
     * account with little to spare ends early; one whose balance was taken away ends at once.
     */
    Admission.Ticket draw(KeyState key, BigDecimal accountBalance, long nowMillis, long tokens, long reservationMicros) {
        long nowSec = nowMillis / 1000;
        if (retired || nowSec / 60 != minute || requestsLeft < 1 || (limitsTokens && tokensLeft < tokens)
                || creditMicros < reservationMicros
                || (accountBalance == null ? BigDecimal.ZERO : accountBalance).compareTo(balanceFloor) <= 0
                || (key.limitRemaining() != null && key.limitRemaining().compareTo(keyRemainingFloor) <= 0)
                || !Objects.equals(keyRpm, key.rpm()) || !Objects.equals(keyTpm, key.tpm()) || !sameLimit(key.limit())) {
            return null;
        }
        requestsLeft--;
        if (limitsTokens) {
            tokensLeft -= tokens;
        }
        creditMicros -= reservationMicros;
        return new Admission.Ticket(accountPendingKey, keyPendingKey, reservationMicros, rpmLimit,
                (int) Math.min(Integer.MAX_VALUE, remainingAtGrant + requestsLeft), 60 - nowSec % 60, this);
    }

    private boolean sameLimit(BigDecimal limit) {
        return keyLimit == null ? limit == null : limit != null && keyLimit.compareTo(limit) == 0;
    }

    /**
     * A request drawn from this lease ended: its unspent reservation returns to the lease. False once
     * retired: the caller settles it on the counters instead.
     */
    boolean giveBack(long micros) {
        if (retired) {
            return false;
        }
        creditMicros += micros;
        return true;
    }

    /** True on the thread of the event loop that owns the lease. */
    boolean owned() {
        return Thread.currentThread() == ownerThread;
    }

    Context owner() {
        return owner;
    }

    /** Ends the lease; answers the credit it still held (negative when its requests overran it). */
    long retire() {
        retired = true;
        return creditMicros;
    }

    boolean retired() {
        return retired;
    }

    long minute() {
        return minute;
    }

    int requestsLeft() {
        return requestsLeft;
    }

    long tokensLeft() {
        return tokensLeft;
    }

    long creditMicros() {
        return creditMicros;
    }

    String accountPendingKey() {
        return accountPendingKey;
    }

    String keyPendingKey() {
        return keyPendingKey;
    }
}
