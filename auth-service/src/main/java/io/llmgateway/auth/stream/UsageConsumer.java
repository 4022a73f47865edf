package io.llmgateway.auth.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.auth.config.GatewayConfig;
import io.llmgateway.auth.service.Debit;
import io.llmgateway.auth.service.PoisonEventException;
import io.llmgateway.auth.service.Settlement;
import io.llmgateway.auth.service.SpendService;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
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
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Consumer group {@code auth} on the usage stream. Runs on its own thread because XREADGROUP BLOCK
 * blocks, never on the event loop. Each read batch (up to {@code gateway.usage.batch} entries) is settled
 * in one transaction by {@link SpendService}, run on a Vert.x context and awaited here; its entries are
 * XACKed together, in one call, only after the commit, so a crash leaves them pending. A read that was not
 * full is followed by a pause of {@code gateway.usage.linger}, so that at a low rate batches still hold
 * several entries instead of one transaction per request. Pending entries idle longer than
 * {@code gateway.usage.claim-min-idle} are taken over with XAUTOCLAIM, whichever process held them; one the
 * database keeps rejecting is dead-lettered after {@code gateway.usage.max-deliveries}.
 * Each entry gets a CONSUMER span continuing the producer's trace from the entry's {@code traceparent}; it
 * is the trace of the key events its debit led to and ends after the XACK, with error status when the entry
 * failed. A batch span, child of the first entry's span and linked to the others, covers the transaction.
 */
@ApplicationScoped
public class UsageConsumer {

    public static final String GROUP = "auth";
    private static final Logger LOG = Logger.getLogger(UsageConsumer.class);
    private static final long DEAD_LETTER_MAXLEN = 100_000;
    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> MESSAGING_DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> MESSAGING_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    static final AttributeKey<String> MESSAGING_OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> MESSAGING_OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> MESSAGING_MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<Long> MESSAGING_BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");
    private static final int MAX_LINKS = 64;

    /** Reads W3C headers ({@code traceparent}, {@code tracestate}) from a stream entry's fields. */
    static final TextMapGetter<Map<String, String>> PAYLOAD_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            if (carrier == null) {
                return null;
            }
            String value = carrier.get(key);
            return value == null || value.isBlank() ? null : value;
        }
    };

    private final StreamCommands<String, String, String> streams;
    private final SpendService spend;
    private final ObjectMapper mapper;
    private final RedisKeys keys;
    private final GatewayConfig.Usage config;
    private final Tracer tracer;
    private final String consumer;
    private final Counter debited;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean running;
    private Thread thread;

    public UsageConsumer(RedisDataSource redis, SpendService spend, ObjectMapper mapper, RedisKeys keys,
            GatewayConfig config, Tracer tracer, MeterRegistry registry) {
        // auth_debits_total: the alert "credit ledger lagging" and the dashboard compare it with served requests
        this.debited = registry.counter("auth.debits");
        this.streams = redis.stream(String.class, String.class, String.class);
        this.spend = spend;
        this.mapper = mapper;
        this.keys = keys;
        this.config = config.usage();
        this.tracer = tracer;
        this.consumer = hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("usage consumer disabled (gateway.usage.enabled=false)");
            return;
        }
        running = true;
        thread = new Thread(this::run, "usage-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        stopping.countDown();
        if (thread != null) {
            try {
                thread.join(config.block().toMillis() + 2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public String consumerName() {
        return consumer;
    }

    private void run() {
        String stream = keys.usageStream();
        LOG.infof("consuming %s as %s/%s", stream, GROUP, consumer);
        long nextClaim = 0;
        boolean groupReady = false;
        while (running) {
            try {
                if (!groupReady) {
                    createGroup(stream);
                    groupReady = true;
                }
                if (System.currentTimeMillis() >= nextClaim) {
                    reclaim(stream);
                    nextClaim = System.currentTimeMillis() + config.claimInterval().toMillis();
                }
                List<StreamMessage<String, String, String>> messages = streams.xreadgroup(GROUP, consumer, stream, ">",
                        new XReadGroupArgs().count(config.batch()).block(config.block()));
                if (!messages.isEmpty()) {
                    handleBatch(stream, messages, Map.of()); // first delivery of each
                    if (messages.size() < config.batch()) {
                        linger();
                    }
                }
            } catch (Exception e) {
                if (!running) {
                    break;
                }
                if (e.getMessage() != null && e.getMessage().contains("NOGROUP")) {
                    groupReady = false; // the stream was deleted under us: recreate the group
                }
                LOG.warnf("usage consumer: %s; retrying in 1 s", e.getMessage());
                pause(1_000);
            }
        }
        LOG.infof("usage consumer %s stopped", consumer);
    }

    private void createGroup(String stream) {
        try {
            streams.xgroupCreate(stream, GROUP, "0", new XGroupCreateArgs().mkstream());
        } catch (Exception e) {
            if (e.getMessage() == null || !e.getMessage().contains("BUSYGROUP")) {
                throw e;
            }
        }
    }

    /**
     * Takes over entries another (likely dead) consumer, or this one after a failure, read but never
     * acknowledged, with how often each was delivered so a persistently failing one can be capped.
     */
    private void reclaim(String stream) {
        String cursor = "0-0";
        do {
            ClaimedMessages<String, String, String> claimed = streams.xautoclaim(stream, GROUP, consumer,
                    config.claimMinIdle(), cursor, config.batch());
            List<StreamMessage<String, String, String>> live = new ArrayList<>();
            for (StreamMessage<String, String, String> message : claimed.getMessages()) {
                if (message.payload() != null) {
                    live.add(message);
                } else {
                    // trimmed from the stream while pending (Redis 6.2 returns it without fields): nothing to settle
                    LOG.warnf("pending usage entry %s no longer exists; acknowledged", message.id());
                    streams.xack(stream, GROUP, message.id());
                }
            }
            if (!live.isEmpty()) {
                LOG.infof("reclaimed %d pending usage entries", live.size());
                handleBatch(stream, live, deliveries(stream, live));
            }
            cursor = claimed.getId();
        } while (running && cursor != null && !"0-0".equals(cursor));
    }

    /** Delivery counts (XAUTOCLAIM raised them) of entries this consumer now owns. */
    private Map<String, Integer> deliveries(String stream, List<StreamMessage<String, String, String>> messages) {
        Map<String, Integer> counts = new HashMap<>();
        StreamRange range = StreamRange.of(messages.get(0).id(), messages.get(messages.size() - 1).id());
        for (PendingMessage p : streams.xpending(stream, GROUP, range, 2 * messages.size() + 16,
                new XPendingArgs().consumer(consumer))) {
            counts.put(p.getMessageId(), p.getDeliveryCount());
        }
        return counts;
    }

    /**
     * Settles one read batch: entries that cannot be parsed go to the dead-letter stream, the rest are settled
     * together, and every entry done with is acknowledged in one XACK. Each entry keeps its own CONSUMER span,
     * ended after the XACK.
     */
    void handleBatch(String stream, List<StreamMessage<String, String, String>> messages, Map<String, Integer> deliveries) {
        List<Entry> entries = new ArrayList<>(messages.size());
        List<String> ack = new ArrayList<>(messages.size());
        try {
            for (StreamMessage<String, String, String> message : messages) {
                Span span = startProcessSpan(tracer, stream, message.id(), message.payload());
                Entry entry = new Entry(message, span, deliveries.getOrDefault(message.id(), 1));
                entries.add(entry);
                String poison = parse(entry);
                if (poison != null) {
                    deadLetter(entry, poison);
                    ack.add(message.id());
                }
            }
            List<Entry> valid = entries.stream().filter(e -> e.event != null).toList();
            if (!valid.isEmpty()) {
                settle(stream, valid, ack);
            }
            if (!ack.isEmpty()) {
                streams.xack(stream, GROUP, ack.toArray(String[]::new));
            }
        } catch (RuntimeException e) {
            for (Entry entry : entries) {
                if (!entry.failed) {
                    failed(entry.span, e, "not processed: " + e.getClass().getSimpleName());
                }
            }
            throw e;
        } finally {
            entries.forEach(entry -> entry.span.end());
        }
    }

    /**
     * A CONSUMER span {@code <stream> process} continuing the producer's trace from the entry's W3C
     * {@code traceparent} (a new trace when it is missing or malformed). Only messaging attributes: never
     * the event's data, a key secret or prompt text.
     */
    static Span startProcessSpan(Tracer tracer, String stream, String messageId, Map<String, String> payload) {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(),
                payload == null ? Map.<String, String>of() : payload, PAYLOAD_GETTER);
        return tracer.spanBuilder(stream + " process")
                .setSpanKind(SpanKind.CONSUMER)
                .setParent(parent)
                .setAttribute(MESSAGING_SYSTEM, "redis")
                .setAttribute(MESSAGING_DESTINATION, stream)
                .setAttribute(MESSAGING_GROUP, GROUP)
                .setAttribute(MESSAGING_OPERATION_TYPE, "process")
                .setAttribute(MESSAGING_OPERATION_NAME, "process")
                .setAttribute(MESSAGING_MESSAGE_ID, messageId)
                .startSpan();
    }

    /** Null when the entry holds a usage event that can be debited, else the reason it never can. */
    private String parse(Entry entry) {
        String data = entry.message.payload() == null ? null : entry.message.payload().get(RedisKeys.DATA_FIELD);
        try {
            if (data == null) {
                throw new PoisonEventException("no 'data' field");
            }
            UsageEvent event = mapper.readValue(data, UsageEvent.class);
            SpendService.validate(event);
            entry.event = event;
            return null;
        } catch (PoisonEventException e) {
            failed(entry.span, e, e.getMessage());
            return e.getMessage();
        } catch (Exception e) {
            // the parser's message may quote the payload: only the exception type goes anywhere
            String reason = "unreadable usage event: " + e.getClass().getSimpleName();
            failed(entry.span, e, reason);
            return reason;
        }
    }

    /**
     * One transaction for all valid entries. When the database rejects the batch for something other than
     * an outage, each entry is settled alone so one bad entry cannot hold the others back. An entry that
     * fails is left pending for XAUTOCLAIM, until it has been delivered {@code max-deliveries} times.
     */
    private void settle(String stream, List<Entry> valid, List<String> ack) {
        try {
            outcomes(valid, ack, settleTogether(stream, valid));
            return;
        } catch (Throwable e) {
            if (valid.size() == 1 || Failures.isTransient(e)) {
                valid.forEach(entry -> notSettled(entry, e, ack));
                return;
            }
            LOG.warnf("usage batch of %d not settled (%s); settling its entries one by one", valid.size(),
                    Failures.describe(e));
        }
        for (Entry entry : valid) {
            try {
                outcomes(List.of(entry), ack, settleTogether(stream, List.of(entry)));
            } catch (Throwable e) {
                notSettled(entry, e, ack);
            }
        }
    }

    private Settlement settleTogether(String stream, List<Entry> entries) throws Throwable {
        List<Debit> debits = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            debits.add(new Debit(entry.event, traceParent(entry.span)));
        }
        Span batch = startBatchSpan(stream, entries);
        // the SQL and Redis calls run on a Vert.x duplicated context, where OpenTelemetry keeps its own
        // current context: make the batch span current there so their spans hang off it
        Context traced = Context.root().with(batch);
        try {
            return VertxContextSupport.subscribeAndAwait(() -> {
                Scope scope = traced.makeCurrent();
                try {
                    return spend.settle(debits).onTermination().invoke(scope::close);
                } catch (RuntimeException e) {
                    scope.close();
                    throw e;
                }
            });
        } catch (Throwable e) {
            failed(batch, e, "not settled: " + e.getClass().getSimpleName());
            throw e;
        } finally {
            batch.end();
        }
    }

    private void outcomes(List<Entry> entries, List<String> ack, Settlement settlement) {
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (settlement.outcome(i) == Settlement.Outcome.CHARGED) {
                debited.increment();
            }
            if (settlement.outcome(i) == Settlement.Outcome.UNKNOWN_ACCOUNT) {
                String reason = "unknown account " + entry.event.accountId();
                failed(entry.span, new PoisonEventException(reason), reason);
                deadLetter(entry, reason);
            }
            ack.add(entry.message.id());
        }
    }

    private void notSettled(Entry entry, Throwable failure, List<String> ack) {
        String why = Failures.describe(failure);
        failed(entry.span, failure, "not debited: " + why);
        entry.failed = true;
        if (!Failures.isTransient(failure) && entry.deliveries >= config.maxDeliveries()) {
            String reason = "not debited after " + entry.deliveries + " deliveries: " + why;
            deadLetter(entry, reason);
            ack.add(entry.message.id());
            return;
        }
        // left pending: XAUTOCLAIM retries it after the idle time, here or in another process
        LOG.warnf("usage entry %s (generation %s, delivery %d) not debited yet: %s", entry.message.id(),
                entry.event.generationId(), entry.deliveries, failure.getMessage());
    }

    /**
     * An INTERNAL span around a batch's transaction: a child of the first entry's span (a batch of one is a
     * plain continuation) linking the other entries' spans, which stay the per-entry record.
     */
    private Span startBatchSpan(String stream, List<Entry> entries) {
        var builder = tracer.spanBuilder("settle usage batch").setSpanKind(SpanKind.INTERNAL)
                .setParent(Context.root().with(entries.get(0).span))
                .setAttribute(MESSAGING_SYSTEM, "redis")
                .setAttribute(MESSAGING_DESTINATION, stream)
                .setAttribute(MESSAGING_GROUP, GROUP)
                .setAttribute(MESSAGING_BATCH_COUNT, (long) entries.size());
        for (int i = 1; i < entries.size() && i <= MAX_LINKS; i++) {
            builder.addLink(entries.get(i).span.getSpanContext());
        }
        return builder.startSpan();
    }

    private static String traceParent(Span span) {
        SpanContext context = span.getSpanContext();
        return context.isValid()
                ? "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex()
                : "";
    }

    private static void failed(Span span, Throwable failure, String description) {
        span.setAttribute(ERROR_TYPE, failure.getClass().getName());
        span.setStatus(StatusCode.ERROR, description);
    }

    private void deadLetter(Entry entry, String reason) {
        entry.failed = true;
        LOG.warnf("usage entry %s dead-lettered: %s", entry.message.id(), reason);
        Map<String, String> fields = new HashMap<>();
        Map<String, String> payload = entry.message.payload() == null ? Map.of() : entry.message.payload();
        fields.put(RedisKeys.DATA_FIELD, payload.getOrDefault(RedisKeys.DATA_FIELD, ""));
        fields.put(RedisKeys.TRACEPARENT_FIELD, payload.getOrDefault(RedisKeys.TRACEPARENT_FIELD, ""));
        fields.put("reason", reason);
        fields.put("source_id", entry.message.id());
        fields.put("group", GROUP);
        streams.xadd(keys.usageDeadLetterStream(), new XAddArgs().maxlen(DEAD_LETTER_MAXLEN).nearlyExactTrimming(),
                fields);
    }

    /** One stream entry of a batch, its span and, once parsed, its event. */
    private static final class Entry {
        final StreamMessage<String, String, String> message;
        final Span span;
        final int deliveries;
        UsageEvent event;
        boolean failed;

        Entry(StreamMessage<String, String, String> message, Span span, int deliveries) {
            this.message = message;
            this.span = span;
            this.deliveries = deliveries;
        }
    }

    /**
     * Lets the next read gather the entries that arrive meanwhile, so a low request rate costs one transaction
     * per linger instead of one per request. Shutdown ends it at once.
     */
    private void linger() {
        try {
            stopping.await(config.linger().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "auth";
        }
    }
}
