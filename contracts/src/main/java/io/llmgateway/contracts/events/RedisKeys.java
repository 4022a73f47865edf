package io.llmgateway.contracts.events;

import java.util.ArrayList;
import java.util.List;

/**
 * Names of the Redis keys that more than one service touches. A prefix (empty in production,
 * unique per test run) isolates tests that share one Redis. Keys that meet in one command carry the
 * same hash tag ({@code {acct:ID}}) so they live in one Redis Cluster slot.
 */
public record RedisKeys(String prefix) {

    /** Field of a stream entry holding the JSON event. */
    public static final String DATA_FIELD = "data";
    /** Field of a stream entry holding the W3C traceparent of the producing span. */
    public static final String TRACEPARENT_FIELD = "traceparent";

    public RedisKeys {
        prefix = prefix == null ? "" : prefix;
    }

    /** Usage events, produced by routing, consumed by metering (group "metering") and auth (group "auth"). */
    public String usageStream() {
        return prefix + "gw:usage";
    }

    /**
     * Usage partition {@code n} of {@code count}; with one partition this is the plain usage stream. Each
     * partition has its own hash tag, so a Redis Cluster spreads the partitions over its masters.
     */
    public String usageStream(int n, int count) {
        return count <= 1 ? usageStream() : prefix + "gw:usage:{p" + n + "}";
    }

    /** Every partition of the usage stream, in partition order. */
    public List<String> usageStreams(int count) {
        List<String> names = new ArrayList<>(Math.max(1, count));
        for (int n = 0; n < Math.max(1, count); n++) {
            names.add(usageStream(n, count));
        }
        return List.copyOf(names);
    }

    /**
     * The partition of an account's usage events: all of one account's events go to one partition, so they
     * stay in order there. {@code String.hashCode} is specified by the JLS, so every replica agrees.
     */
    public static int usagePartition(String accountId, int count) {
        return count <= 1 || accountId == null ? 0 : Math.floorMod(accountId.hashCode(), count);
    }

    /** Usage events a consumer could not process, with the reason. */
    public String usageDeadLetterStream() {
        return prefix + "gw:usage:dead";
    }

    /** Key and account changes, produced by auth, read by every routing replica. */
    public String keyEventsStream() {
        return prefix + "gw:key-events";
    }

    /** Catalog changes, produced by catalog, read by every routing replica. */
    public String catalogEventsStream() {
        return prefix + "gw:catalog-events";
    }

    /**
     * Micro-dollars reserved or spent by an account but not yet debited from its ledger. Routing adds
     * a reservation at admission and settles it to the real cost at completion; auth subtracts the cost
     * once the debit is committed. Available credit = ledger balance - this counter.
     */
    public String accountPending(String accountId) {
        return prefix + "gw:{acct:" + accountId + "}:pending";
    }

    /** Same as {@link #accountPending} for one key's spending limit (same hash slot as its account). */
    public String keyPending(String accountId, String keyHash) {
        return prefix + "gw:{acct:" + accountId + "}:key:" + keyHash + ":pending";
    }
}
