package io.llmgateway.metering;

import static io.llmgateway.metering.TestSupport.await;
import static io.llmgateway.metering.TestSupport.count;
import static io.llmgateway.metering.TestSupport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A usage stream split into three partitions: the group reads every partition, and each event is stored and
 * counted once, also when a copy of it arrives on another partition (a producer that changed its partition
 * count, or a replay).
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
@WithTestResource(AuthStub.class)
@TestProfile(PartitionedIngestTest.ThreePartitions.class)
class PartitionedIngestTest {

    private static final int PARTITIONS = 3;

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

    @Test
    void everyPartitionIsReadAndEveryEventCountedOnce() {
        List<String> accounts = accountsCoveringEveryPartition();
        long now = System.currentTimeMillis() / 1000;
        List<UsageEvent> events = new ArrayList<>();
        for (String account : accounts) {
            for (int i = 0; i < 5; i++) {
                events.add(ok(account, "k1", "openai/gpt-4o", "openai", now, "0.001"));
            }
        }
        long[] perPartition = new long[PARTITIONS];
        for (UsageEvent e : events) {
            int home = RedisKeys.usagePartition(e.accountId(), PARTITIONS);
            xadd(home, e);
            xadd((home + 1) % PARTITIONS, e); // the same generation on another partition: counted once
            perPartition[home]++;
            perPartition[(home + 1) % PARTITIONS]++;
        }
        String in = accounts.stream().map(a -> "'" + a + "'").reduce((a, b) -> a + "," + b).orElseThrow();
        await("every generation stored", () -> count("SELECT count(*) FROM generations WHERE account_id IN (" + in
                + ")") == events.size());
        await("every partition's entries acknowledged", () -> {
            for (int p = 0; p < PARTITIONS; p++) {
                if (redis.stream(String.class).xpending(keys.usageStream(p, PARTITIONS), "metering").getPendingCount() > 0
                        || redis.stream(String.class).xlen(keys.usageStream(p, PARTITIONS)) < perPartition[p]) {
                    return false;
                }
            }
            return true;
        });
        assertEquals(events.size(), count("SELECT sum(requests) FROM usage_minute WHERE account_id IN (" + in + ")"),
                "each event counted once in the time-series");
        assertEquals(0, new BigDecimal("0.001").multiply(BigDecimal.valueOf(events.size())).compareTo(
                (BigDecimal) TestSupport.scalar("SELECT sum(cost) FROM usage_minute WHERE account_id IN (" + in + ")")));
    }

    /** Fresh accounts until each partition is the home of at least one. */
    private static List<String> accountsCoveringEveryPartition() {
        List<String> accounts = new ArrayList<>();
        boolean[] covered = new boolean[PARTITIONS];
        int missing = PARTITIONS;
        while (missing > 0 || accounts.size() < 2 * PARTITIONS) {
            String account = TestSupport.newAccount();
            int p = RedisKeys.usagePartition(account, PARTITIONS);
            if (!covered[p]) {
                covered[p] = true;
                missing--;
            }
            accounts.add(account);
        }
        return accounts;
    }

    private void xadd(int partition, UsageEvent e) {
        redis.stream(String.class).xadd(keys.usageStream(partition, PARTITIONS),
                Map.of(RedisKeys.DATA_FIELD, TestSupport.json(e), RedisKeys.TRACEPARENT_FIELD, ""));
    }
}
