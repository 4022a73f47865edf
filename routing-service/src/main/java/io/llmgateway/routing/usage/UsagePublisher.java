package io.llmgateway.routing.usage;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.config.RoutingConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Writes usage events to the usage stream without ever delaying a response: callers enqueue and
 * return; a background drainer sends pipelined XADD batches. While Redis is unreachable events stay
 * queued in memory up to a bound, then go to an append-only spill file (one JSON line per event),
 * which is replayed once Redis answers again. No event is dropped.
 */
@Singleton
public class UsagePublisher {

    private static final Logger LOG = Logger.getLogger(UsagePublisher.class);

    /** An event ready to send: its JSON (UTF-8) and the traceparent of the request that produced it. */
    private record Pending(Buffer data, String traceparent) {
    }

    /** A line of the spill file: the event's JSON as a string, so the file stays readable. */
    public record Spilled(String data, String traceparent) {
    }

    private final Redis redis;
    private final Vertx vertx;
    private final String stream;
    private final int capacity;
    private final int batchSize;
    private final long maxLen;
    private final Path spillFile;
    private final ConcurrentLinkedDeque<Pending> queue = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean spillPresent = new AtomicBoolean();
    private final ExecutorService spillExecutor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "usage-spill");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean redisUp = true;
    private long timer = -1;

    @jakarta.inject.Inject
    public UsagePublisher(Redis redis, Vertx vertx, RedisKeys keys, RoutingConfig config,
            io.micrometer.core.instrument.MeterRegistry metrics) {
        this(redis, vertx, keys.usageStream(), config.usage().queueCapacity(), config.usage().batchSize(),
                config.usage().streamMaxLen(), Path.of(config.usage().spillDir()));
        metrics.gauge("gateway.usage.queue.depth", size);
    }

    public UsagePublisher(Redis redis, Vertx vertx, String stream, int capacity, int batchSize, long maxLen, Path spillDir) {
        this.redis = redis;
        this.vertx = vertx;
        this.stream = stream;
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.maxLen = maxLen;
        // one file per stream name, so test runs with their own prefix never replay each other's events
        this.spillFile = spillDir.resolve("usage-" + Integer.toHexString(stream.hashCode()) + ".jsonl");
    }

    void start(@Observes StartupEvent event) {
        start();
    }

    public void start() {
        spillPresent.set(Files.exists(spillFile));
        timer = vertx.setPeriodic(1000, id -> drain());
    }

    void stop(@Observes ShutdownEvent event) {
        stop();
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        // last chance: whatever could not be sent is kept on disk for the next start
        List<Pending> rest = new ArrayList<>();
        Pending p;
        while ((p = queue.pollFirst()) != null) {
            rest.add(p);
        }
        if (!rest.isEmpty()) {
            spillExecutor.execute(() -> appendToSpill(rest));
        }
        spillExecutor.shutdown();
        try {
            // a spill still being written when the process ends would be lost: wait for it, however
            // slow the disk or the machine is right now
            if (!spillExecutor.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.errorf("usage spill to %s did not finish within 60 s of shutdown", spillFile);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void publish(UsageEvent event) {
        Buffer json;
        try {
            json = UsageEventWriter.json(event);
        } catch (Exception e) {
            LOG.errorf("usage event %s not serialisable: %s", event.generationId(), e.getMessage());
            return;
        }
        Pending pending = new Pending(json, event.traceparent() == null ? "" : event.traceparent());
        if (size.get() >= capacity) {
            spillPresent.set(true);
            spillExecutor.execute(() -> appendToSpill(List.of(pending)));
            return;
        }
        queue.addLast(pending);
        size.incrementAndGet();
        if (redisUp) {
            drain();
        }
    }

    public String streamName() {
        return stream;
    }

    public int queued() {
        return size.get();
    }

    public boolean redisReachable() {
        return redisUp;
    }

    private void drain() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        List<Pending> batch = new ArrayList<>(Math.min(batchSize, Math.max(1, size.get())));
        Pending p;
        while (batch.size() < batchSize && (p = queue.pollFirst()) != null) {
            batch.add(p);
        }
        size.addAndGet(-batch.size());
        if (batch.isEmpty()) {
            draining.set(false);
            if (spillPresent.get()) {
                redis.send(Request.cmd(Command.PING)).onSuccess(r -> replaySpill());
            }
            return;
        }
        send(batch).onComplete(ar -> {
            if (ar.succeeded()) {
                redisUp = true;
                draining.set(false);
                if (!queue.isEmpty()) {
                    vertx.runOnContext(v -> drain());
                } else if (spillPresent.get()) {
                    replaySpill();
                }
            } else {
                if (redisUp) {
                    LOG.warnf("usage stream unreachable, keeping %d events: %s", size.get() + batch.size(),
                            ar.cause().getMessage());
                }
                redisUp = false;
                for (int i = batch.size() - 1; i >= 0; i--) {
                    queue.addFirst(batch.get(i));
                }
                size.addAndGet(batch.size());
                overflowToSpill();
                draining.set(false); // the periodic timer retries
            }
        });
    }

    private Future<?> send(List<Pending> batch) {
        List<Request> requests = new ArrayList<>(batch.size());
        for (Pending e : batch) {
            requests.add(Request.cmd(Command.XADD).arg(stream).arg("MAXLEN").arg("~").arg(maxLen).arg("*")
                    .arg(RedisKeys.DATA_FIELD).arg(e.data()).arg(RedisKeys.TRACEPARENT_FIELD).arg(e.traceparent()));
        }
        return redis.batch(requests);
    }

    /** Keeps memory bounded while Redis is away: the oldest events beyond capacity go to disk. */
    private void overflowToSpill() {
        int over = size.get() - capacity;
        if (over <= 0) {
            return;
        }
        List<Pending> moved = new ArrayList<>(over);
        Pending p;
        while (moved.size() < over && (p = queue.pollLast()) != null) {
            moved.add(0, p);
        }
        size.addAndGet(-moved.size());
        spillPresent.set(true);
        spillExecutor.execute(() -> appendToSpill(moved));
    }

    private void appendToSpill(List<Pending> events) {
        try {
            Files.createDirectories(spillFile.getParent());
            try (BufferedWriter w = Files.newBufferedWriter(spillFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                for (Pending e : events) {
                    w.write(Json.MAPPER.writeValueAsString(new Spilled(e.data().toString(), e.traceparent())));
                    w.newLine();
                }
            }
        } catch (IOException e) {
            LOG.errorf("could not spill %d usage events to %s: %s", events.size(), spillFile, e.getMessage());
        }
    }

    private static Pending unspilled(String line) throws IOException {
        Spilled s = Json.MAPPER.readValue(line, Spilled.class);
        return new Pending(Buffer.buffer(s.data()), s.traceparent());
    }

    private final AtomicBoolean replaying = new AtomicBoolean();

    /** Moves spilled events back into Redis, chunk by chunk, on the spill thread (file I/O blocks). */
    private void replaySpill() {
        if (!replaying.compareAndSet(false, true)) {
            return;
        }
        spillExecutor.execute(() -> {
            try {
                if (!Files.exists(spillFile)) {
                    spillPresent.set(false);
                    return;
                }
                Path replay = spillFile.resolveSibling(spillFile.getFileName() + ".replay-" + System.nanoTime());
                Files.move(spillFile, replay);
                List<String> lines = Files.readAllLines(replay, StandardCharsets.UTF_8);
                int done = 0;
                try {
                    while (done < lines.size()) {
                        List<Pending> chunk = new ArrayList<>();
                        for (int i = done; i < Math.min(lines.size(), done + batchSize); i++) {
                            if (!lines.get(i).isBlank()) {
                                chunk.add(unspilled(lines.get(i)));
                            }
                        }
                        send(chunk).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                        done = Math.min(lines.size(), done + batchSize);
                    }
                    LOG.infof("replayed %d spilled usage events", lines.size());
                } catch (Exception e) {
                    List<Pending> rest = new ArrayList<>();
                    for (String line : lines.subList(done, lines.size())) {
                        if (!line.isBlank()) {
                            rest.add(unspilled(line));
                        }
                    }
                    appendToSpill(rest);
                }
                Files.deleteIfExists(replay);
                spillPresent.set(Files.exists(spillFile));
            } catch (Exception e) {
                LOG.errorf("spill replay failed: %s", e.getMessage());
            } finally {
                replaying.set(false);
            }
        });
    }
}
