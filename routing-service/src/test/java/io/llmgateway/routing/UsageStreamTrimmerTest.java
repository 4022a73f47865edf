package io.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.routing.usage.UsageStreamTrimmer;
import io.llmgateway.testsupport.InfraLocator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Only entries every required consumer group has acknowledged leave the usage stream (real Redis). */
class UsageStreamTrimmerTest {

    final Vertx vertx = Vertx.vertx();
    final Redis redis = Redis.createClient(vertx, InfraLocator.redis().url());
    final String stream = "test:" + UUID.randomUUID() + ":gw:usage";
    final List<String> ids = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        send(Request.cmd(Command.DEL).arg(stream));
        redis.close();
        vertx.close();
    }

    private Response send(Request request) throws Exception {
        return redis.send(request).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private void produce(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            ids.add(send(Request.cmd(Command.XADD).arg(stream).arg("*").arg("data").arg("{\"n\":" + i + "}")).toString());
        }
    }

    private void group(String name) throws Exception {
        send(Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(name).arg("0"));
    }

    /** Reads {@code n} new entries as the group's consumer and acknowledges the first {@code ack} of them. */
    private void consume(String group, int n, int ack) throws Exception {
        Response read = send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(group).arg("c1").arg("COUNT").arg(n)
                .arg("STREAMS").arg(stream).arg(">"));
        assertEquals(true, read != null);
        for (int i = 0; i < ack; i++) {
            // read order is stream order: the group's next unread entries are ids in sequence
            send(Request.cmd(Command.XACK).arg(stream).arg(group).arg(nextUnacked(group)));
        }
    }

    private String nextUnacked(String group) throws Exception {
        Response pending = send(Request.cmd(Command.XPENDING).arg(stream).arg(group));
        return pending.get(1).toString();
    }

    private long length() throws Exception {
        return send(Request.cmd(Command.XLEN).arg(stream)).toLong();
    }

    @Test
    void keepsEverythingAGroupStillNeeds() throws Exception {
        produce(10);
        group("auth");
        group("metering");
        UsageStreamTrimmer trimmer = new UsageStreamTrimmer(redis, vertx, stream, List.of("auth", "metering"), 0);
        consume("auth", 10, 5); // acknowledged 1-5, entries 6-10 still pending in auth
        consume("metering", 3, 3); // metering has acknowledged 1-3 and not read 4-10
        assertEquals(2L, await(trimmer.trim()), "only entries 1-2 are behind both groups");
        assertEquals(8, length());
        assertEquals(ids.get(2), send(Request.cmd(Command.XRANGE).arg(stream).arg("-").arg("+").arg("COUNT").arg(1))
                .get(0).get(0).toString(), "metering's last delivered entry is kept");
        consume("metering", 7, 7); // metering caught up; auth still has 6-10 pending
        await(trimmer.trim());
        assertEquals(5, length(), "auth's pending entries 6-10 stay");
        assertEquals(ids.get(5), send(Request.cmd(Command.XRANGE).arg(stream).arg("-").arg("+").arg("COUNT").arg(1))
                .get(0).get(0).toString());
    }

    @Test
    void trimsNothingWhileARequiredGroupDoesNotExist() throws Exception {
        produce(5);
        group("auth");
        consume("auth", 5, 5);
        UsageStreamTrimmer trimmer = new UsageStreamTrimmer(redis, vertx, stream, List.of("auth", "metering"), 0);
        assertEquals(0L, await(trimmer.trim()), "metering has not started: it will read from the beginning");
        assertEquals(5, length());
    }

    @Test
    void aMissingStreamIsNotAnError() throws Exception {
        UsageStreamTrimmer trimmer = new UsageStreamTrimmer(redis, vertx, stream, List.of("auth"), 0);
        assertEquals(0L, await(trimmer.trim()));
    }
}
