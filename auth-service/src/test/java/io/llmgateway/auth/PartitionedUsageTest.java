package io.llmgateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.auth.stream.UsageConsumer;
import io.llmgateway.auth.support.Api;
import io.llmgateway.auth.support.Ledger;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Group {@code auth} on a usage stream split into three partitions: every partition is read, and every
 * generation is debited exactly once with its reservation released once, also when a copy of its entry
 * sits on another partition and two consumer threads race to settle it.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@TestProfile(PartitionedUsageTest.ThreePartitions.class)
class PartitionedUsageTest {

    private static final int PARTITIONS = 3;
    private static final int EVENTS_PER_ACCOUNT = 4;
    private static final long MICROS = 10_000;

    public static class ThreePartitions implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.usage.partitions", String.valueOf(PARTITIONS));
        }
    }

    @Inject
    RedisDataSource redis;
    @Inject
    RedisKeys keys;
    @Inject
    ObjectMapper mapper;
    @Inject
    Ledger ledger;

    @Test
    void everyPartitionIsSettledAndEveryGenerationChargedOnce() throws Exception {
        List<Api.Account> accounts = new ArrayList<>();
        List<Api.Key> keyOf = new ArrayList<>();
        boolean[] covered = new boolean[PARTITIONS];
        while (accounts.size() < 2 * PARTITIONS || !(covered[0] && covered[1] && covered[2])) {
            Api.Account account = Api.account("10");
            accounts.add(account);
            keyOf.add(Api.key(account, "{\"name\":\"k\"}"));
            covered[RedisKeys.usagePartition(account.id(), PARTITIONS)] = true;
        }
        StreamCommands<String, String, String> streams = redis.stream(String.class, String.class, String.class);
        String[] last = new String[PARTITIONS];
        for (int a = 0; a < accounts.size(); a++) {
            String id = accounts.get(a).id();
            String hash = keyOf.get(a).hash();
            redis.value(Long.class).set(keys.accountPending(id), EVENTS_PER_ACCOUNT * MICROS);
            redis.value(Long.class).set(keys.keyPending(id, hash), EVENTS_PER_ACCOUNT * MICROS);
            int home = RedisKeys.usagePartition(id, PARTITIONS);
            for (int i = 0; i < EVENTS_PER_ACCOUNT; i++) {
                String json = mapper.writeValueAsString(
                        UsageDebitTest.usage("gen-p-" + UUID.randomUUID(), id, hash, "0.01", MICROS));
                for (int p : new int[] {home, (home + 1) % PARTITIONS}) {
                    last[p] = streams.xadd(keys.usageStream(p, PARTITIONS), Map.of(RedisKeys.DATA_FIELD, json,
                            RedisKeys.TRACEPARENT_FIELD, ""));
                }
            }
        }
        // done when the group has read up to the last entry of every partition and acknowledged everything
        Api.eventually(() -> {
            for (int p = 0; p < PARTITIONS; p++) {
                String stream = keys.usageStream(p, PARTITIONS);
                if (!last[p].equals(lastDelivered(stream))
                        || streams.xpending(stream, UsageConsumer.GROUP).getPendingCount() > 0) {
                    return null;
                }
            }
            return true;
        });
        for (int a = 0; a < accounts.size(); a++) {
            String id = accounts.get(a).id();
            assertEquals(EVENTS_PER_ACCOUNT, ledger.decimal("SELECT COUNT(*) FROM ledger_entries WHERE account_id = ? AND kind = 'debit'",
                    id).longValue(), "one debit per generation of " + id);
            assertEquals(0, new BigDecimal("9.96").compareTo(ledger.balance(id)));
            assertEquals(0L, redis.value(Long.class).get(keys.accountPending(id)), "reservation released once");
            assertEquals(0L, redis.value(Long.class).get(keys.keyPending(id, keyOf.get(a).hash())));
        }
    }

    private String lastDelivered(String stream) {
        for (var group : redis.execute("XINFO", "GROUPS", stream)) {
            if (UsageConsumer.GROUP.equals(group.get("name").toString())) {
                return group.get("last-delivered-id").toString();
            }
        }
        return null;
    }
}
