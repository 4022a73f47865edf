package io.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.routing.usage.UsagePublisher;
import io.llmgateway.testsupport.InfraLocator;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Redis unreachable: events are kept (memory, then spill file) and replayed later, none lost; a process that dies
 * before sending them leaves them in its journal, and the next one sends them.
 */
class UsagePublisherSpillTest {

    static UsageEvent event(String id) {
        return new UsageEvent(id, 1, "hash", "acct", "m", "m", "p", "ep", "pm", null, List.of(), 1, 2, 0, 0, false,
                BigDecimal.ONE, 1_000_000, 5, null, 1, false, false, UsageEvent.STATUS_SUCCESS, 200, "stop", "stop", null,
                null, null, null);
    }

    @Test
    void eventsSurviveAnOutageAndAreReplayed() throws Exception {
        Vertx vertx = Vertx.vertx();
        Path dir = Files.createTempDirectory("spill");
        String stream = "test:" + UUID.randomUUID() + ":gw:usage";
        Redis down = Redis.createClient(vertx, "redis://127.0.0.1:1");
        UsagePublisher offline = new UsagePublisher(down, vertx, stream, List.of(stream), 5, 10, 1000, dir, true);
        offline.start();
        for (int i = 0; i < 20; i++) {
            offline.publish(event("gen-" + i));
        }
        // the bound is kept by the drainer (a publish racing its overflow can pass it by one until the next retry)
        for (int i = 0; i < 150 && (offline.redisReachable() || offline.queued() > 5); i++) {
            Thread.sleep(20);
        }
        assertTrue(offline.queued() <= 5, "memory stays bounded: " + offline.queued());
        offline.stop(); // what is still in memory goes to disk too

        Redis up = Redis.createClient(vertx, InfraLocator.redis().url());
        UsagePublisher online = new UsagePublisher(up, vertx, stream, List.of(stream), 5, 10, 1000, dir, true);
        online.start();
        try {
            List<String> ids = generationIds(up, stream, 20);
            assertEquals(20, ids.size());
            assertEquals(20, new HashSet<>(ids).size(), "every event exactly once: " + ids);
        } finally {
            online.stop();
            up.send(Request.cmd(Command.DEL).arg(stream)).toCompletionStage().toCompletableFuture().get();
            vertx.close();
        }
    }

    @Test
    void eventsAProcessDiedWithAreSentByTheNextOne() throws Exception {
        Path dir = Files.createTempDirectory("journal");
        String stream = "test:" + UUID.randomUUID() + ":gw:usage";
        // the dying process: Redis unreachable, so its events wait in memory (well under the spill capacity)
        Vertx dying = Vertx.vertx();
        UsagePublisher killed = new UsagePublisher(Redis.createClient(dying, "redis://127.0.0.1:1"), dying, stream,
                List.of(stream), 1000, 10, 1000, dir, true);
        killed.start();
        for (int i = 0; i < 7; i++) {
            killed.publish(event("gen-k" + i));
        }
        // kill -9: no stop(), its memory is gone with its event loop
        dying.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("journal"), files.map(f -> f.getFileName().toString().replaceAll("-.*", "")).toList(),
                    "nothing was spilled: the events are only in the journal");
        }

        Vertx vertx = Vertx.vertx();
        Redis up = Redis.createClient(vertx, InfraLocator.redis().url());
        UsagePublisher next = new UsagePublisher(up, vertx, stream, List.of(stream), 1000, 10, 1000, dir, true);
        next.start();
        try {
            List<String> ids = generationIds(up, stream, 7);
            assertEquals(7, ids.size(), "every answered event sent once: " + ids);
            assertEquals(7, new HashSet<>(ids).size(), "every answered event sent once: " + ids);
        } finally {
            next.stop();
            up.send(Request.cmd(Command.DEL).arg(stream)).toCompletionStage().toCompletableFuture().get();
            vertx.close();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "a clean stop leaves no journal and no spill file");
        }
    }

    /** The generation ids in the stream, once it holds {@code expected} entries (or after 10 s), and 300 ms more. */
    private static List<String> generationIds(Redis redis, String stream, int expected) throws Exception {
        long len = 0;
        for (int i = 0; i < 100 && len < expected; i++) {
            Thread.sleep(100);
            len = redis.send(Request.cmd(Command.XLEN).arg(stream)).toCompletionStage().toCompletableFuture().get().toLong();
        }
        Thread.sleep(300); // a second copy would have arrived by now
        var entries = redis.send(Request.cmd(Command.XRANGE).arg(stream).arg("-").arg("+")).toCompletionStage()
                .toCompletableFuture().get();
        List<String> ids = new ArrayList<>();
        entries.forEach(e -> ids.add(e.get(1).get(1).toString().replaceAll(".*\"generation_id\":\"([^\"]+)\".*", "$1")));
        return ids;
    }
}
