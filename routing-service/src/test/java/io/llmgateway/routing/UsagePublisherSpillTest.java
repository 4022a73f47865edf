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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Redis unreachable: events are kept (memory, then spill file) and replayed later, none lost. */
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
        UsagePublisher offline = new UsagePublisher(down, vertx, stream, 5, 10, 1000, dir);
        offline.start();
        for (int i = 0; i < 20; i++) {
            offline.publish(event("gen-" + i));
        }
        for (int i = 0; i < 100 && offline.redisReachable(); i++) {
            Thread.sleep(20);
        }
        assertTrue(offline.queued() <= 5, "memory stays bounded: " + offline.queued());
        offline.stop(); // what is still in memory goes to disk too

        Redis up = Redis.createClient(vertx, InfraLocator.redis().url());
        UsagePublisher online = new UsagePublisher(up, vertx, stream, 5, 10, 1000, dir);
        online.start();
        try {
            long len = 0;
            for (int i = 0; i < 100 && len < 20; i++) {
                Thread.sleep(100);
                len = up.send(Request.cmd(Command.XLEN).arg(stream)).toCompletionStage().toCompletableFuture().get().toLong();
            }
            assertEquals(20, len);
            var entries = up.send(Request.cmd(Command.XRANGE).arg(stream).arg("-").arg("+")).toCompletionStage()
                    .toCompletableFuture().get();
            Set<String> ids = new HashSet<>();
            entries.forEach(e -> ids.add(e.get(1).get(1).toString().replaceAll(".*\"generation_id\":\"([^\"]+)\".*", "$1")));
            assertEquals(20, ids.size(), "every event exactly once: " + ids);
        } finally {
            online.stop();
            up.send(Request.cmd(Command.DEL).arg(stream)).toCompletionStage().toCompletableFuture().get();
            vertx.close();
        }
    }
}
