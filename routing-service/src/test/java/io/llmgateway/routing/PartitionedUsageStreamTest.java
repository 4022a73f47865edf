package io.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.routing.usage.UsagePublisher;
import io.llmgateway.routing.usage.UsageStreamTrimmer;
import io.llmgateway.testsupport.InfraLocator;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A usage stream in three partitions (real Redis): each account's events land in its own partition, in the
 * order they were published, every event once; the trimmer trims each partition by its own groups.
 */
class PartitionedUsageStreamTest {

    private static final int PARTITIONS = 3;

    final Vertx vertx = Vertx.vertx();
    final Redis redis = Redis.createClient(vertx, InfraLocator.redis().url());
    final RedisKeys keys = new RedisKeys("test:" + UUID.randomUUID() + ":");
    final List<String> partitions = keys.usageStreams(PARTITIONS);

    @AfterEach
    void close() throws Exception {
        for (String partition : partitions) {
            send(Request.cmd(Command.DEL).arg(partition));
        }
        redis.close();
        vertx.close();
    }

    private Response send(Request request) throws Exception {
        return redis.send(request).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static UsageEvent event(String account, int n) {
        return new UsageEvent(account + "-gen-" + n, 1, "hash", account, "m", "m", "p", "ep", "pm", null, List.of(), 1,
                2, 0, 0, false, BigDecimal.ONE, 1_000_000, 5, null, 1, false, false, UsageEvent.STATUS_SUCCESS, 200,
                "stop", "stop", null, null, null, null);
    }

    @Test
    void eachAccountsEventsStayInOrderInItsPartitionAndEachPartitionIsTrimmed() throws Exception {
        List<String> accounts = new ArrayList<>();
        for (int i = 0; accounts.size() < 9 || !coversEveryPartition(accounts); i++) {
            accounts.add("acct-" + i + "-" + UUID.randomUUID());
        }
        UsagePublisher publisher = new UsagePublisher(redis, vertx, keys.usageStream(), partitions, 1000, 7, 100_000,
                Files.createTempDirectory("spill"), true);
        publisher.start();
        int perAccount = 20;
        try {
            for (int n = 0; n < perAccount; n++) {
                for (String account : accounts) {
                    publisher.publish(event(account, n));
                }
            }
            long total = (long) accounts.size() * perAccount;
            for (int i = 0; i < 100 && length() < total; i++) {
                Thread.sleep(50);
            }
            assertEquals(total, length(), "every event once");
        } finally {
            publisher.stop();
        }
        Map<String, List<String>> seen = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            Response entries = send(Request.cmd(Command.XRANGE).arg(partitions.get(p)).arg("-").arg("+"));
            assertTrue(entries.size() > 0, "partition " + p + " has events");
            for (Response entry : entries) {
                String data = entry.get(1).get(1).toString();
                String generation = data.replaceAll(".*\"generation_id\":\"([^\"]+)\".*", "$1");
                String account = generation.substring(0, generation.indexOf("-gen-"));
                assertEquals(RedisKeys.usagePartition(account, PARTITIONS), p, generation + " in its account's partition");
                seen.computeIfAbsent(account, a -> new ArrayList<>()).add(generation);
            }
        }
        for (String account : accounts) {
            List<String> expected = new ArrayList<>();
            for (int n = 0; n < perAccount; n++) {
                expected.add(account + "-gen-" + n);
            }
            assertEquals(expected, seen.get(account), "an account's events in publishing order");
        }

        // both groups read everything on every partition; auth acknowledges all, metering all but partition 1
        for (int p = 0; p < PARTITIONS; p++) {
            for (String group : List.of("auth", "metering")) {
                send(Request.cmd(Command.XGROUP).arg("CREATE").arg(partitions.get(p)).arg(group).arg("0"));
                Response read = send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(group).arg("c1").arg("COUNT")
                        .arg(10_000).arg("STREAMS").arg(partitions.get(p)).arg(">"));
                if (p != 1 || group.equals("auth")) {
                    for (Response entry : read.get(partitions.get(p))) {
                        send(Request.cmd(Command.XACK).arg(partitions.get(p)).arg(group).arg(entry.get(0).toString()));
                    }
                }
            }
        }
        long onPartition1 = send(Request.cmd(Command.XLEN).arg(partitions.get(1))).toLong();
        UsageStreamTrimmer trimmer = new UsageStreamTrimmer(redis, vertx, partitions, List.of("auth", "metering"), 0);
        trimmer.trim().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(onPartition1, send(Request.cmd(Command.XLEN).arg(partitions.get(1))).toLong(),
                "partition 1 keeps what metering still has pending");
        // XTRIM MINID keeps the last delivered entry of each group
        assertEquals(1, send(Request.cmd(Command.XLEN).arg(partitions.get(0))).toLong());
        assertEquals(1, send(Request.cmd(Command.XLEN).arg(partitions.get(2))).toLong());
    }

    private long length() throws Exception {
        long total = 0;
        for (String partition : partitions) {
            total += send(Request.cmd(Command.XLEN).arg(partition)).toLong();
        }
        return total;
    }

    private static boolean coversEveryPartition(List<String> accounts) {
        return accounts.stream().map(a -> RedisKeys.usagePartition(a, PARTITIONS)).distinct().count() == PARTITIONS;
    }
}
