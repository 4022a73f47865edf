package io.llmgateway.platform.stream;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.platform.stream.BatchOutcome.Decision;
import io.llmgateway.platform.trace.StreamTrace;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.PendingMessage;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XPendingArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * One Redis Streams consumer group, read by worker threads (XREADGROUP BLOCK blocks: never an event loop)
 * that hand each batch to a {@link StreamBatchHandler} and acknowledge its entries only after the handler's
 * work completed, in one XACK. So a process that dies before the XACK leaves its entries pending, and
 * another consumer takes them over with XAUTOCLAIM once they are idle {@code claiming.minIdle}: a handler
 * must make a replay count nothing twice. Entries that fail again and again (not because of an outage) are
 * dead-lettered after {@code claiming.maxDeliveries}; entries left pending by an outage are never capped,
 * they wait, and the worker pauses a second before reading again. Each consumer name is unique to the
 * process (host name plus a random suffix): two processes sharing one would steal each other's entries.
 * The CONSUMER spans continue the producers' traces and end after the XACK.
 *
 * <p>A partitioned stream (several names in {@link StreamGroupSettings#streams()}) has the group on every
 * partition; each worker thread reads one partition with its own blocking XREADGROUP, since one read of
 * several streams cannot span Redis Cluster slots. There are as many threads as workers, or as partitions
 * when there are more partitions, so every partition is read; entries stay ordered within their partition.
 */
public final class StreamGroupConsumer {

    private static final Logger LOG = Logger.getLogger(StreamGroupConsumer.class);
    /** A batch whose work has not completed by then stays pending, to be delivered again. */
    private static final Duration BATCH_TIMEOUT = Duration.ofSeconds(60);
    private static final long FAILURE_PAUSE_MS = 1_000;

    private final StreamCommands<String, String, String> streams;
    private final Tracer tracer;
    private final StreamGroupSettings settings;
    private final StreamGroupSettings.Reading reading;
    private final StreamBatchHandler handler;
    private final MeterRegistry registry;
    private final List<String> partitions;
    private final String group;
    private final String consumerName;
    private final Timer batchTimer;
    private final Counter reclaimed;
    private final List<Thread> workers = new ArrayList<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean running;

    public StreamGroupConsumer(RedisDataSource redis, Tracer tracer, MeterRegistry registry,
            StreamGroupSettings settings, StreamBatchHandler handler) {
        this.streams = redis.stream(String.class, String.class, String.class);
        this.tracer = tracer;
        this.registry = registry;
        this.settings = settings;
        this.reading = settings.reading();
        this.handler = handler;
        this.partitions = settings.streams();
        this.group = settings.group();
        this.consumerName = hostName(group) + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.batchTimer = registry.timer(settings.metricPrefix() + ".batch");
        this.reclaimed = registry.counter(settings.metricPrefix() + ".reclaimed");
    }

    /** This process's consumer name; with several workers, worker {@code i} is {@code <name>-<i>}. */
    public String consumerName() {
        return consumerName;
    }

    public void start() {
        running = true;
        int count = Math.max(Math.max(1, reading.workers()), partitions.size());
        for (int i = 0; i < count; i++) {
            PartitionReader reader = new PartitionReader(partitions.get(i % partitions.size()),
                    count == 1 ? consumerName : consumerName + "-" + i);
            Thread worker = new Thread(reader::work, "stream-" + group + "-" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        LOG.infof("consuming %s as group %s, consumer %s (%d workers), reclaiming entries idle %s every %s",
                String.join(",", partitions), group, consumerName, count, settings.claiming().minIdle(),
                settings.claiming().interval());
    }

    /** Ends the reads at once; batches already handed over are awaited and acknowledged when they complete. */
    public void stop() {
        running = false;
        stopping.countDown();
        for (Thread worker : workers) {
            try {
                worker.join(reading.block().toMillis() + 2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One worker thread's partition and consumer name, and its read, handle, acknowledge loop. */
    private final class PartitionReader {
        private final String stream;
        private final String consumer;

        PartitionReader(String stream, String consumer) {
            this.stream = stream;
            this.consumer = consumer;
        }

        void work() {
            int maxInFlight = Math.max(1, reading.maxInFlight());
            XReadGroupArgs waiting = new XReadGroupArgs().count(reading.batch()).block(reading.block());
            XReadGroupArgs polling = new XReadGroupArgs().count(reading.batch());
            Deque<InFlight> inFlight = new ArrayDeque<>();
            boolean groupReady = false;
            long nextClaim = 0;
            while (running) {
                try {
                    if (!groupReady) {
                        createGroup();
                        groupReady = true;
                    }
                    if (System.currentTimeMillis() >= nextClaim) {
                        reclaim(inFlight, maxInFlight);
                        nextClaim = System.currentTimeMillis() + settings.claiming().interval().toMillis();
                    }
                    // acknowledge what completed meanwhile, and keep at most maxInFlight batches unacknowledged
                    while (!inFlight.isEmpty() && (inFlight.peek().done() || inFlight.size() >= maxInFlight)) {
                        finish(inFlight.poll());
                    }
                    // with a batch in flight, only poll: an empty stream must not delay that batch's XACK
                    List<StreamMessage<String, String, String>> read = streams.xreadgroup(group, consumer, stream, ">",
                            inFlight.isEmpty() ? waiting : polling);
                    if (!read.isEmpty()) {
                        inFlight.add(submit(read, Map.of()));
                        if (read.size() < reading.batch()) {
                            linger(inFlight);
                        }
                    } else if (!inFlight.isEmpty()) {
                        finish(inFlight.poll());
                    }
                } catch (Exception e) {
                    if (!running) {
                        break;
                    }
                    if (String.valueOf(e.getMessage()).contains("NOGROUP")) {
                        groupReady = false; // the stream was deleted under us: create the group again
                    }
                    LOG.warnf("%s consumer %s: %s; reading again in 1 s", stream, consumer, e.getMessage());
                    pause(FAILURE_PAUSE_MS);
                }
            }
            while (!inFlight.isEmpty()) {
                try {
                    finish(inFlight.poll());
                } catch (Exception e) {
                    LOG.warnf("%s consumer %s stopping: %s", stream, consumer, e.getMessage());
                }
            }
            LOG.infof("%s consumer %s stopped", stream, consumer);
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

        /**
         * Takes over entries another (likely dead) consumer, or this one after a failure, read but never
         * acknowledged, with how often each was delivered so one that keeps failing can be capped.
         */
        private void reclaim(Deque<InFlight> inFlight, int maxInFlight) {
            String cursor = "0-0";
            do {
                ClaimedMessages<String, String, String> claimed = streams.xautoclaim(stream, group, consumer,
                        settings.claiming().minIdle(), cursor, reading.batch());
                List<StreamMessage<String, String, String>> messages = claimed.getMessages();
                if (!messages.isEmpty()) {
                    LOG.infof("reclaimed %d pending entries of %s", messages.size(), stream);
                    reclaimed.increment(messages.size());
                    while (inFlight.size() >= maxInFlight) {
                        finish(inFlight.poll());
                    }
                    inFlight.add(submit(messages, deliveries(messages)));
                }
                cursor = claimed.getId();
            } while (running && cursor != null && !"0-0".equals(cursor));
        }

        /** Delivery counts (XAUTOCLAIM raised them) of entries this consumer now owns. */
        private Map<String, Integer> deliveries(List<StreamMessage<String, String, String>> messages) {
            Map<String, Integer> counts = new HashMap<>();
            StreamRange range = StreamRange.of(messages.get(0).id(), messages.get(messages.size() - 1).id());
            for (PendingMessage pending : streams.xpending(stream, group, range, 2 * messages.size() + 16,
                    new XPendingArgs().consumer(consumer))) {
                counts.put(pending.getMessageId(), pending.getDeliveryCount());
            }
            return counts;
        }

        /** Hands a batch to the handler, its spans started; {@link #finish} awaits it and acknowledges. */
        private InFlight submit(List<StreamMessage<String, String, String>> messages, Map<String, Integer> deliveries) {
            long started = System.nanoTime();
            boolean perEntry = settings.spans() == StreamGroupSettings.Spans.PER_ENTRY;
            Span batchSpan = perEntry ? Span.getInvalid() : StreamTrace.batchProcessSpan(tracer, stream, group,
                    messages.stream().map(StreamGroupConsumer::fields).toList());
            List<StreamEntry> entries = new ArrayList<>(messages.size());
            for (StreamMessage<String, String, String> message : messages) {
                Map<String, String> fields = fields(message);
                Span span = perEntry ? StreamTrace.processSpan(tracer, stream, group, message.id(), fields) : batchSpan;
                entries.add(new StreamEntry(message.id(), fields, message.payload() == null,
                        deliveries.getOrDefault(message.id(), 1), span));
            }
            CompletableFuture<BatchOutcome> result;
            try (Scope ignored = perEntry ? Scope.noop() : batchSpan.makeCurrent()) {
                result = handler.handle(new StreamBatch(stream, group, entries, batchSpan)).toCompletableFuture();
            } catch (RuntimeException e) {
                result = CompletableFuture.failedFuture(e);
            }
            return new InFlight(entries, batchSpan, perEntry, result, started);
        }

        /**
         * Waits for the batch's work, then carries out the handler's decisions: dead letters first, then one XACK
         * for every entry done with, then the spans end. Entries left pending are delivered again later.
         */
        private void finish(InFlight batch) {
            List<String> ack = new ArrayList<>(batch.entries().size());
            Throwable outage = null;
            try {
                outage = apply(await(batch), ack);
            } catch (RuntimeException e) {
                String why = "not processed: " + e.getClass().getSimpleName();
                batch.spans().forEach(span -> StreamTrace.failed(span, e, why));
                throw e;
            } finally {
                if (!ack.isEmpty()) {
                    streams.xack(stream, group, ack.toArray(String[]::new));
                }
                batch.spans().forEach(Span::end);
                batchTimer.record(Duration.ofNanos(System.nanoTime() - batch.started()));
            }
            if (outage != null) {
                throw new IllegalStateException("entries left pending: " + outage.getMessage(), outage);
            }
        }

        /** Carries out the decisions, collecting the ids to acknowledge; the outage that left entries pending. */
        private Throwable apply(BatchOutcome outcome, List<String> ack) {
            int maxDeliveries = settings.claiming().maxDeliveries();
            Throwable outage = null;
            int pending = 0;
            Decision firstPending = null;
            for (Decision decision : outcome.decisions()) {
                StreamEntry entry = decision.entry();
                switch (decision.kind()) {
                    case DONE -> ack.add(entry.id());
                    case DEAD_LETTER -> {
                        if (settings.spans() == StreamGroupSettings.Spans.PER_ENTRY) {
                            StreamTrace.failed(entry.span(), decision.cause(), decision.reason());
                        }
                        deadLetter(entry, decision.code(), decision.reason());
                        ack.add(entry.id());
                    }
                    case RETRY -> {
                        StreamTrace.failed(entry.span(), decision.cause(), decision.reason() + ": " + decision.why());
                        if (!decision.outage() && maxDeliveries > 0 && entry.deliveries() >= maxDeliveries) {
                            String reason = decision.reason() + " after " + entry.deliveries() + " deliveries: "
                                    + decision.why();
                            deadLetter(entry, BatchOutcome.reasonCode(reason), reason);
                            ack.add(entry.id());
                        } else {
                            pending++;
                            firstPending = firstPending == null ? decision : firstPending;
                            outage = decision.outage() && outage == null ? decision.cause() : outage;
                        }
                    }
                }
            }
            if (pending > 0) {
                LOG.warnf("%d entries of %s left pending, e.g. %s (delivery %d) %s yet: %s", pending, stream,
                        firstPending.entry().id(), firstPending.entry().deliveries(), firstPending.reason(),
                        firstPending.why());
            }
            return outage;
        }

        private BatchOutcome await(InFlight batch) {
            try {
                return batch.result().get(BATCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while awaiting a batch of " + stream, e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("batch of " + stream + " not done within " + BATCH_TIMEOUT, e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
        }

        /** Copies the entry to the dead-letter stream with the reason, so operators can inspect and replay it. */
        private void deadLetter(StreamEntry entry, String code, String reason) {
            Map<String, String> fields = new HashMap<>();
            fields.put(RedisKeys.DATA_FIELD, entry.fields().getOrDefault(RedisKeys.DATA_FIELD, ""));
            fields.put(RedisKeys.TRACEPARENT_FIELD, entry.fields().getOrDefault(RedisKeys.TRACEPARENT_FIELD, ""));
            fields.put("reason", reason);
            fields.put("source_id", entry.id());
            fields.put("group", group);
            streams.xadd(settings.deadLetterStream(),
                    new XAddArgs().maxlen(settings.deadLetterMaxLen()).nearlyExactTrimming(), fields);
            registry.counter(settings.metricPrefix() + ".dead_letters", "reason", code).increment();
            LOG.warnf("%s entry %s dead-lettered: %s", stream, entry.id(), reason);
        }

        /**
         * Delays only the next read, so that it gathers what arrives meanwhile: a low rate then costs one batch per
         * linger instead of one per entry. A batch that completes during the wait is acknowledged then; shutdown
         * ends the wait at once when nothing is in flight.
         */
        private void linger(Deque<InFlight> inFlight) throws InterruptedException {
            long deadline = System.nanoTime() + reading.linger().toNanos();
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
    }

    private void pause(long millis) {
        try {
            stopping.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, String> fields(StreamMessage<String, String, String> message) {
        // an entry trimmed from the stream while pending comes back without fields (Redis 6.2 XAUTOCLAIM)
        return message.payload() == null ? Map.of() : message.payload();
    }

    private static String hostName(String fallback) {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return fallback;
        }
    }

    /** A batch handed to the handler: its entries, its span and the handler's result. */
    private record InFlight(List<StreamEntry> entries, Span span, boolean perEntry,
            CompletableFuture<BatchOutcome> result, long started) {
        boolean done() {
            return result.isDone();
        }

        /** The batch's span, or each entry's own. */
        List<Span> spans() {
            return perEntry ? entries.stream().map(StreamEntry::span).toList() : List.of(span);
        }
    }
}
