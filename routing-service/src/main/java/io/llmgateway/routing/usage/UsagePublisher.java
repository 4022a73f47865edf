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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Writes usage events to the usage stream without ever delaying a response: callers enqueue and
 * return; a background drainer sends pipelined XADD batches. While Redis is unreachable events stay
 * queued in memory up to a bound, then go to an append-only spill file (one JSON line per event),
 * which is replayed once Redis answers again. No event is dropped. With {@code gateway.usage.partitions} above 1
 * each event goes to its account's partition ({@link RedisKeys#usagePartition}), so one account's events keep
 * their order; each partition's events of a drain go in one pipelined batch of their own (a pipeline cannot
 * span Redis Cluster slots), and only the events of a partition that failed are kept for the retry.
 */
@Singleton
public class UsagePublisher {

    private static final Logger LOG = Logger.getLogger(UsagePublisher.class);

    /**
     * An event ready to send: its JSON (UTF-8), the traceparent of its request, its account (the partition), and
     * the journal segment that holds it until it is sent or spilled (null for events from the spill file).
     */
    private record Pending(Buffer data, String traceparent, String account, UsageJournal.Segment segment)
            implements Journaled { }

    /** An event on disk, not yet handed to Redis: {@link #send} it. */
    public sealed interface Journaled permits Pending { }

    /** A line of the spill file: the event's JSON as a string, so the file stays readable. */
    public record Spilled(String data, String traceparent, String account) {
    }

    private final Redis redis;
    private final Vertx vertx;
    private final String stream;
    private final List<String> partitions;
    private final int capacity;
    private final int batchSize;
    private final long maxLen;
    private final Path spillFile;
    private final UsageJournal journal;
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
    /** Set by {@link #stop}: no new batch starts, and what arrives goes to disk. */
    private volatile boolean stopping;
    private volatile String lastFailure = "";
    private long timer = -1;

    @jakarta.inject.Inject
    public UsagePublisher(Redis redis, Vertx vertx, RedisKeys keys, RoutingConfig config,
            io.micrometer.core.instrument.MeterRegistry metrics) {
        this(redis, vertx, keys.usageStream(), keys.usageStreams(config.usage().partitions()),
                config.usage().queueCapacity(), config.usage().batchSize(), config.usage().streamMaxLen(),
                Path.of(config.usage().spillDir()), config.usage().journal());
        metrics.gauge("gateway.usage.queue.depth", size);
    }

    /** {@code stream} names the usage stream (and the spill file) whatever its partitions are called. */
    public UsagePublisher(Redis redis, Vertx vertx, String stream, List<String> partitions, int capacity, int batchSize,
            long maxLen, Path spillDir, boolean journaled) {
        this.redis = redis;
        this.vertx = vertx;
        this.stream = stream;
        this.partitions = List.copyOf(partitions);
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.maxLen = maxLen;
        // one file per stream name, so test runs with their own prefix never replay each other's events
        String name = Integer.toHexString(stream.hashCode());
        this.spillFile = spillDir.resolve("usage-" + name + ".jsonl");
        this.journal = new UsageJournal(journaled, spillDir, name, 4 << 20, this::offLoop);
    }

    void start(@Observes StartupEvent event) {
        start();
    }

    public void start() {
        // what a killed process answered for but had not sent yet: into the spill file, replayed below
        journal.recover(lines -> appendToSpill(lines.stream().map(UsagePublisher::pending).toList()));
        spillPresent.set(Files.exists(spillFile));
        timer = vertx.setPeriodic(1000, id -> drain());
    }

    void stop(@Observes ShutdownEvent event) {
        stop();
    }

    public void stop() {
        stopping = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        // a batch on its way comes back sent, or puts its events back in the queue: wait for it, or
        // what it puts back after the queue was emptied below would stay in memory and be lost
        try {
            for (int i = 0; i < 3000 && draining.get(); i++) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
            // a spill still being written when the process ends would be lost: wait for it, however slow
            if (!spillExecutor.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.errorf("usage spill to %s did not finish within 60 s of shutdown", spillFile);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        journal.close(); // everything was sent or spilled
    }

    public void publish(UsageEvent event) {
        send(journal(event));
    }

    /** The event, serialised and in the journal: an answer sent after this is billed even if the process dies. */
    public Journaled journal(UsageEvent event) {
        Buffer json;
        try {
            json = UsageEventWriter.json(event);
        } catch (Exception e) {
            LOG.errorf("usage event %s not serialisable: %s", event.generationId(), e.getMessage());
            return null;
        }
        String traceparent = event.traceparent() == null ? "" : event.traceparent();
        return new Pending(json, traceparent, event.accountId(), journal.append(json, traceparent, event.accountId()));
    }

    /** Queues a journaled event for Redis (null: one that could not be serialised, logged). */
    public void send(Journaled event) {
        if (!(event instanceof Pending pending)) {
            return;
        }
        if (stopping || size.get() >= capacity) {
            spill(List.of(pending));
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
        if (stopping || !draining.compareAndSet(false, true)) {
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
            List<Pending> unsent = ar.result();
            if (unsent.isEmpty()) {
                redisUp = true;
                draining.set(false);
                if (!queue.isEmpty()) {
                    vertx.runOnContext(v -> drain());
                } else if (spillPresent.get()) {
                    replaySpill();
                }
            } else {
                if (redisUp) {
                    LOG.warnf("usage stream unreachable, keeping %d events: %s", size.get() + unsent.size(), lastFailure);
                }
                for (int i = unsent.size() - 1; i >= 0; i--) {
                    queue.addFirst(unsent.get(i));
                }
                size.addAndGet(unsent.size());
                overflowToSpill();
                redisUp = false; // once memory is back within its bound: whoever sees Redis down sees that too
                draining.set(false); // the periodic timer retries
            }
        });
    }

    /** Sends one pipelined batch per partition; never fails: the answer is the events not sent, in order. */
    private Future<List<Pending>> send(List<Pending> batch) {
        if (partitions.size() == 1) {
            return sendTo(0, batch);
        }
        List<List<Pending>> byPartition = new ArrayList<>(partitions.size());
        for (int i = 0; i < partitions.size(); i++) {
            byPartition.add(new ArrayList<>());
        }
        for (Pending e : batch) {
            byPartition.get(RedisKeys.usagePartition(e.account(), partitions.size())).add(e);
        }
        List<Future<List<Pending>>> sent = new ArrayList<>(partitions.size());
        for (int i = 0; i < partitions.size(); i++) {
            if (!byPartition.get(i).isEmpty()) {
                sent.add(sendTo(i, byPartition.get(i)));
            }
        }
        return Future.join(sent).map(done -> {
            List<Pending> unsent = new ArrayList<>();
            sent.forEach(f -> unsent.addAll(f.result()));
            return unsent;
        });
    }

    private Future<List<Pending>> sendTo(int partition, List<Pending> events) {
        String name = partitions.get(partition);
        List<Request> requests = new ArrayList<>(events.size());
        for (Pending e : events) {
            requests.add(Request.cmd(Command.XADD).arg(name).arg("MAXLEN").arg("~").arg(maxLen).arg("*")
                    .arg(RedisKeys.DATA_FIELD).arg(e.data()).arg(RedisKeys.TRACEPARENT_FIELD).arg(e.traceparent()));
        }
        return redis.batch(requests).<List<Pending>>map(sent -> {
            released(events);
            return List.of();
        }).otherwise(failure -> {
            lastFailure = name + ": " + failure.getMessage();
            return events;
        });
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
        spill(moved);
    }

    /**
     * Appends events to the spill file on the spill thread; once that thread has been shut down (the
     * service is stopping), on the caller's: a moment of file I/O is better than an event lost.
     */
    private void spill(List<Pending> events) {
        spillPresent.set(true);
        offLoop(() -> appendToSpill(events));
    }

    private synchronized void appendToSpill(List<Pending> events) {
        try {
            Files.createDirectories(spillFile.getParent());
            try (BufferedWriter w = Files.newBufferedWriter(spillFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                for (Pending e : events) {
                    w.write(Json.MAPPER.writeValueAsString(new Spilled(e.data().toString(), e.traceparent(), e.account())));
                    w.newLine();
                }
            }
            released(events);
        } catch (IOException e) {
            LOG.errorf("could not spill %d usage events to %s: %s", events.size(), spillFile, e.getMessage());
        }
    }

    private static Pending pending(Spilled s) {
        return new Pending(Buffer.buffer(s.data()), s.traceparent(), s.account(), null);
    }

    /** The events of spill-file lines (blank lines skipped). */
    private static List<Pending> unspilled(List<String> lines) throws IOException {
        List<Pending> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (!line.isBlank()) {
                out.add(pending(Json.MAPPER.readValue(line, Spilled.class)));
            }
        }
        return out;
    }

    /** These events are in Redis or in the spill file: the journal no longer needs them. */
    private void released(List<Pending> events) {
        for (Pending e : events) {
            journal.release(e.segment());
        }
    }

    /** File work that must not run on an event loop: on the spill thread, or here once that has stopped. */
    private void offLoop(Runnable task) {
        try {
            spillExecutor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
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
                        List<Pending> chunk = unspilled(lines.subList(done, Math.min(lines.size(), done + batchSize)));
                        if (!send(chunk).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).isEmpty()) {
                            throw new IOException("usage stream unreachable");
                        }
                        done = Math.min(lines.size(), done + batchSize);
                    }
                    LOG.infof("replayed %d spilled usage events", lines.size());
                } catch (Exception e) {
                    appendToSpill(unspilled(lines.subList(done, lines.size())));
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
