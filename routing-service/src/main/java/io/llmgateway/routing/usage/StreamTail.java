package io.llmgateway.routing.usage;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Follows one Redis stream with plain XREAD (no group: every replica sees every entry), starting at
 * {@code $}. Runs on its own connection because a blocking XREAD holds the connection it runs on.
 * Reconnects after failures; the caller's safety TTL/refresh covers entries missed meanwhile.
 */
public final class StreamTail {

    private static final Logger LOG = Logger.getLogger(StreamTail.class);

    private final Vertx vertx;
    private final Redis redis;
    private final String stream;
    private final Consumer<Map<String, String>> handler;
    private final Runnable onReconnect;
    private volatile boolean running = true;
    private RedisConnection connection;
    private String lastId;

    public StreamTail(Vertx vertx, Redis redis, String stream, Consumer<Map<String, String>> handler,
            Runnable onReconnect) {
        this.vertx = vertx;
        this.redis = redis;
        this.stream = stream;
        this.handler = handler;
        this.onReconnect = onReconnect;
    }

    public void start() {
        connect();
    }

    public void stop() {
        running = false;
        if (connection != null) {
            connection.close();
        }
    }

    private void connect() {
        if (!running) {
            return;
        }
        redis.connect().onSuccess(conn -> {
            connection = conn;
            conn.exceptionHandler(e -> { });
            if (lastId != null) {
                onReconnect.run();
                read();
                return;
            }
            // position = the newest entry now (what "$" means), pinned as an id so nothing written
            // between two XREAD calls is skipped
            conn.send(Request.cmd(Command.XREVRANGE).arg(stream).arg("+").arg("-").arg("COUNT").arg(1))
                    .onSuccess(last -> {
                        lastId = last != null && last.size() > 0 ? last.get(0).get(0).toString() : "0-0";
                        read();
                    }).onFailure(e -> retryLater());
        }).onFailure(e -> retryLater());
    }

    private void retryLater() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
        if (running) {
            vertx.setTimer(1000, t -> connect());
        }
    }

    private void read() {
        if (!running) {
            return;
        }
        connection.send(Request.cmd(Command.XREAD).arg("COUNT").arg(100).arg("BLOCK").arg(2000)
                .arg("STREAMS").arg(stream).arg(lastId)).onSuccess(resp -> {
                    try {
                        deliver(resp);
                    } catch (RuntimeException e) {
                        LOG.warnf("could not handle an entry of %s: %s", stream, e.getMessage());
                    }
                    read();
                }).onFailure(e -> {
                    if (running) {
                        LOG.debugf("XREAD on %s failed: %s", stream, e.getMessage());
                    }
                    retryLater();
                });
    }

    private void deliver(Response resp) {
        if (resp == null) {
            return;
        }
        // RESP3 answers a map {stream: [[id, [f, v, ...]], ...]}; RESP2 [[stream, [[id, [...]], ...]]]
        Response entries;
        try {
            entries = resp.get(stream);
        } catch (RuntimeException notAMap) {
            entries = resp.get(0).get(1);
        }
        if (entries == null) {
            return;
        }
        for (Response entry : entries) {
            lastId = entry.get(0).toString();
            Response kv = entry.get(1);
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; i + 1 < kv.size(); i += 2) {
                Response value = kv.get(i + 1);
                fields.put(kv.get(i).toString(), value == null ? "" : value.toString());
            }
            handler.accept(fields);
        }
    }
}
