package io.llmgateway.metering.stream;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.metering.config.MeteringConfig;
import io.llmgateway.metering.persistence.UsageBatchWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Consumes the usage stream in group "metering". Each worker thread (not an event-loop thread, so it
 * may block on Redis and await the database) reads a batch, writes it in one transaction, and only after
 * the commit XACKs it; a crash before the XACK leaves the entries pending and another consumer reclaims
 * them with XAUTOCLAIM, where the generation-id conflict makes the replay count nothing twice. The worker
 * is pipelined: while up to {@code max-in-flight} transactions run, it already reads and parses the next
 * batch, so Redis round trips and JSON parsing overlap the database work instead of adding to it. After a
 * read that was not full the worker lingers ({@code linger}) before reading again, so that at a low rate a
 * batch still holds several events instead of one transaction per request.
 */
@ApplicationScoped
public class UsageConsumer {

    private static final Logger LOG = Logger.getLogger(UsageConsumer.class);
    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };
    private static final int MAX_LINKS = 64;

    private final StreamCommands<String, String, String> streams;
    private final UsageEntryParser parser;
    private final UsageBatchWriter writer;
    private final DeadLetters deadLetters;
    private final Tracer tracer;
    private final MeteringConfig config;
    private final String stream;
    private final String group;
    private final String consumerBase;
    private final Counter stored;
    private final Counter duplicates;
    private final Timer batchTimer;
    private final AtomicLong lagSeconds = new AtomicLong();
    private final List<Thread> workers = new ArrayList<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean running;

    public UsageConsumer(RedisDataSource redis, RedisKeys keys, UsageEntryParser parser, UsageBatchWriter writer,
            DeadLetters deadLetters, Tracer tracer, MeteringConfig config, MeterRegistry registry) {
        this.streams = redis.stream(String.class);
        this.parser = parser;
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.tracer = tracer;
        this.config = config;
        this.stream = keys.usageStream();
        this.group = config.ingest().group();
        this.consumerBase = hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.stored = registry.counter("metering.ingest.events", "outcome", "stored");
        this.duplicates = registry.counter("metering.ingest.events", "outcome", "duplicate");
        this.batchTimer = registry.timer("metering.ingest.batch");
        registry.gauge("metering.ingest.lag.seconds", lagSeconds);
    }

    void start(@Observes StartupEvent event) {
        if (!config.ingest().enabled()) {
            return;
        }
        try {
            createGroup();
        } catch (Exception e) {
            // Redis may come up after us: the worker loop creates the group when XREADGROUP reports NOGROUP
            LOG.warnf("could not create group %s on %s yet: %s", group, stream, e.toString());
        }
        running = true;
        for (int i = 0; i < config.ingest().workers(); i++) {
            String consumer = consumerBase + "-" + i;
            Thread t = new Thread(() -> loop(consumer), "usage-consumer-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        LOG.infof("consuming %s as group %s, consumers %s-0..%d, reclaiming entries idle %s every %s", stream, group,
                consumerBase, workers.size() - 1, config.ingest().claimMinIdle(), config.ingest().claimInterval());
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        stopping.countDown();
        for (Thread t : workers) {
            try {
                t.join(config.ingest().block().toMillis() + 2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The consumer-name prefix of this process (host name plus a random suffix). */
    public String consumerBase() {
        return consumerBase;
    }

    private void createGroup() {
        try {
            streams.xgroupCreate(stream, group, "0", new XGroupCreateArgs().mkstream());
        } catch (Exception e) {
            if (e.getMessage() == null || !e.getMessage().contains("BUSYGROUP")) {
                throw e;
            }
        }
    }

    private void loop(String consumer) {
        long nextClaim = 0;
        int maxInFlight = Math.max(1, config.ingest().maxInFlight());
        XReadGroupArgs waiting = new XReadGroupArgs().count(config.ingest().batchSize()).block(config.ingest().block());
        XReadGroupArgs polling = new XReadGroupArgs().count(config.ingest().batchSize());
        Deque<InFlight> inFlight = new ArrayDeque<>();
        while (running) {
            try {
                if (System.currentTimeMillis() >= nextClaim) {
                    reclaim(consumer, inFlight, maxInFlight);
                    nextClaim = System.currentTimeMillis() + config.ingest().claimInterval().toMillis();
                }
                // acknowledge what has committed meanwhile, and keep at most maxInFlight batches uncommitted
                while (!inFlight.isEmpty() && (inFlight.peek().done() || inFlight.size() >= maxInFlight)) {
                    finish(inFlight.poll());
                }
                // with a transaction in flight, only poll: an empty stream must not delay that batch's XACK
                List<StreamMessage<String, String, String>> batch = streams.xreadgroup(group, consumer, stream, ">",
                        inFlight.isEmpty() ? waiting : polling);
                if (!batch.isEmpty()) {
                    inFlight.add(submit(batch));
                    if (batch.size() < config.ingest().batchSize()) {
                        linger(inFlight);
                    }
                } else if (!inFlight.isEmpty()) {
                    finish(inFlight.poll());
                }
            } catch (Exception e) {
                if (!running) {
                    break;
                }
                LOG.warnf("usage consumer %s: %s (retrying)", consumer, e.toString());
                if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
                    createGroup();
                }
                sleep(1000);
            }
        }
        // batches already sent to the database: acknowledge those that commit, the rest stay pending
        while (!inFlight.isEmpty()) {
            try {
                finish(inFlight.poll());
            } catch (Exception e) {
                LOG.warnf("usage consumer %s stopping: %s", consumer, e.toString());
            }
        }
    }

    /**
     * Delays only the next read, so that it gathers what arrives meanwhile: a low rate then costs one
     * transaction per linger instead of one per event. A batch that commits during the wait is acknowledged
     * then, not after it; shutdown ends the wait at once when nothing is in flight (in-flight batches are
     * awaited on the way out anyway).
     */
    private void linger(Deque<InFlight> inFlight) throws InterruptedException {
        long deadline = System.nanoTime() + config.ingest().linger().toNanos();
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            if (inFlight.isEmpty()) {
                stopping.await(left, TimeUnit.NANOSECONDS);
                return;
            }
            try {
                inFlight.peek().result().get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return;
            } catch (ExecutionException e) {
                // finish reports the failure and acknowledges what it can
            }
            finish(inFlight.poll());
        }
    }

    /** Takes over entries that another (dead) consumer read but never acknowledged. */
    void reclaim(String consumer, Deque<InFlight> inFlight, int maxInFlight) {
        String cursor = "0-0";
        Duration minIdle = config.ingest().claimMinIdle();
        do {
            ClaimedMessages<String, String, String> claimed = streams.xautoclaim(stream, group, consumer, minIdle, cursor,
                    config.ingest().batchSize());
            if (!claimed.getMessages().isEmpty()) {
                LOG.infof("reclaimed %d pending usage entries", claimed.getMessages().size());
                while (inFlight.size() >= maxInFlight) {
                    finish(inFlight.poll());
                }
                inFlight.add(submit(claimed.getMessages()));
            }
            cursor = claimed.getId();
        } while (running && cursor != null && !"0-0".equals(cursor));
    }

    /** A batch whose transaction was started: the entries to acknowledge once it commits, and its result. */
    record InFlight(Map<String, UsageEntryParser.Parsed> valid, List<String> ackIds, CompletableFuture<Integer> result,
            Span span, long started, long parsedAt) {
        boolean done() {
            return result.isDone();
        }
    }

    /**
     * Parses the batch on this (consumer) thread, moves poison entries to the dead-letter stream and starts
     * the batch's transaction without waiting for it; {@link #finish} waits, counts and acknowledges.
     */
    InFlight submit(List<StreamMessage<String, String, String>> batch) {
        long started = System.nanoTime();
        long now = System.currentTimeMillis() / 1000;
        Map<String, UsageEntryParser.Parsed> valid = new LinkedHashMap<>();
        List<String> ackIds = new ArrayList<>(batch.size());
        for (StreamMessage<String, String, String> message : batch) {
            // an entry trimmed from the stream while pending comes back without fields (Redis 6.2 XAUTOCLAIM)
            Map<String, String> fields = message.payload() == null ? Map.of() : message.payload();
            UsageEntryParser.Parsed parsed = parser.parse(message.id(), fields, now);
            if (parsed.poison()) {
                deadLetters.send(message.id(), fields.get(RedisKeys.DATA_FIELD), parsed.traceparent(),
                        parsed.reason());
                ackIds.add(message.id());
            } else if (valid.putIfAbsent(parsed.event().generationId(), parsed) != null) {
                ackIds.add(message.id()); // the same generation twice in one batch: the first one counts
                duplicates.increment();
            }
        }
        Span span = startSpan(valid.values(), batch.size());
        CompletableFuture<Integer> result;
        try (Scope ignored = span.makeCurrent()) {
            List<UsageEvent> events = new ArrayList<>(valid.size());
            valid.values().forEach(p -> events.add(p.event()));
            result = writer.write(events).subscribeAsCompletionStage();
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return new InFlight(valid, ackIds, result, span, started, now);
    }

    /**
     * Waits for the batch's transaction, then acknowledges its entries: XACK strictly after the commit. If
     * the transaction failed, only the poison entries (already in the dead-letter stream) are acknowledged;
     * the others stay pending and are reclaimed later, where the generation-id conflict makes the replay
     * count nothing twice.
     */
    void finish(InFlight batch) {
        List<String> ackIds = batch.ackIds();
        Span span = batch.span();
        try (Scope ignored = span.makeCurrent()) {
            int inserted = await(batch);
            stored.increment(inserted);
            duplicates.increment(batch.valid().size() - inserted);
            batch.valid().values().forEach(p -> ackIds.add(p.entryId()));
            batch.valid().values().stream().mapToLong(p -> p.event().createdAt()).max()
                    .ifPresent(newest -> lagSeconds.set(Math.max(0, batch.parsedAt() - newest)));
            span.setAttribute("metering.stored", inserted);
        } catch (RuntimeException e) {
            span.recordException(e);
            throw e;
        } finally {
            // poison entries are safe in the dead-letter stream even when the write failed
            if (!ackIds.isEmpty()) {
                streams.xack(stream, group, ackIds.toArray(new String[0]));
            }
            span.end();
            batchTimer.record(Duration.ofNanos(System.nanoTime() - batch.started()));
        }
    }

    /**
     * The batch's one transaction. If the database rejected the data itself (SQLSTATE class 22/23, e.g. a
     * value out of range), the events are retried one by one so only the culprit is dead-lettered.
     */
    private int await(InFlight batch) {
        try {
            return batch.result().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing a usage batch", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("usage batch not committed within 60 s", e);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof PgException pg) || pg.getSqlState() == null
                    || !(pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"))) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
            int inserted = 0;
            for (UsageEntryParser.Parsed p : batch.valid().values()) {
                try {
                    inserted += writer.write(List.of(p.event())).await().atMost(Duration.ofSeconds(60));
                } catch (PgException single) {
                    deadLetters.send(p.entryId(), p.data(), p.traceparent(), "rejected by the database: "
                            + single.getSqlState() + " " + single.getErrorMessage());
                }
            }
            return inserted;
        }
    }

    /**
     * One consumer span per batch. It continues the producer's trace of the first event (a batch of one
     * is a plain continuation) and links every other producer span, as OpenTelemetry advises for batches.
     */
    private Span startSpan(java.util.Collection<UsageEntryParser.Parsed> entries, int size) {
        var builder = tracer.spanBuilder(stream + " process").setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "redis")
                .setAttribute("messaging.destination.name", stream)
                .setAttribute("messaging.consumer.group.name", group)
                .setAttribute("messaging.batch.message_count", size);
        boolean parentSet = false;
        int links = 0;
        for (UsageEntryParser.Parsed p : entries) {
            if (p.traceparent() == null || p.traceparent().isBlank()) {
                continue;
            }
            Context ctx = W3CTraceContextPropagator.getInstance().extract(Context.root(),
                    Map.of("traceparent", p.traceparent()), GETTER);
            SpanContext sc = Span.fromContext(ctx).getSpanContext();
            if (!sc.isValid()) {
                continue;
            }
            if (!parentSet) {
                builder.setParent(ctx);
                parentSet = true;
            } else if (links++ < MAX_LINKS) {
                builder.addLink(sc);
            }
        }
        if (!parentSet) {
            builder.setNoParent();
        }
        return builder.startSpan();
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "metering";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
