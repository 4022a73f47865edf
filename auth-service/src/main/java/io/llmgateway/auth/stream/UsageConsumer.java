package io.llmgateway.auth.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.auth.config.GatewayConfig;
import io.llmgateway.auth.service.PoisonEventException;
import io.llmgateway.auth.service.SpendService;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageEvent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.ClaimedMessages;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Consumer group {@code auth} on the usage stream. Runs on its own thread because XREADGROUP BLOCK
 * blocks, never on the event loop; each entry's debit runs on a Vert.x context (Hibernate Reactive
 * needs one) and is awaited here. An entry is XACKed only after its debit committed, so a crash
 * leaves it pending; pending entries idle longer than {@code gateway.usage.claim-min-idle} are taken
 * over with XAUTOCLAIM, whichever process held them. Each entry gets a CONSUMER span continuing the
 * producer's trace from the entry's {@code traceparent}; it is current during the debit (so the key events
 * published after the commit carry it) and ends after the XACK, with error status when the entry failed.
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
    private volatile boolean running;
    private Thread thread;

    public UsageConsumer(RedisDataSource redis, SpendService spend, ObjectMapper mapper, RedisKeys keys,
            GatewayConfig config, Tracer tracer) {
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
                for (StreamMessage<String, String, String> message : messages) {
                    handle(stream, message);
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

    /** Takes over entries another (likely dead) consumer read but never acknowledged. */
    private void reclaim(String stream) {
        String cursor = "0-0";
        do {
            ClaimedMessages<String, String, String> claimed = streams.xautoclaim(stream, GROUP, consumer,
                    config.claimMinIdle(), cursor, config.batch());
            for (StreamMessage<String, String, String> message : claimed.getMessages()) {
                if (message.payload() != null) {
                    LOG.infof("reclaimed pending usage entry %s", message.id());
                    handle(stream, message);
                }
            }
            cursor = claimed.getId();
        } while (running && cursor != null && !"0-0".equals(cursor));
    }

    private void handle(String stream, StreamMessage<String, String, String> message) {
        Span span = startProcessSpan(tracer, stream, message.id(), message.payload());
        try (Scope ignored = span.makeCurrent()) {
            process(stream, message, span);
        } catch (RuntimeException e) {
            failed(span, e, "not processed: " + e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
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

    private void process(String stream, StreamMessage<String, String, String> message, Span span) {
        String data = message.payload() == null ? null : message.payload().get(RedisKeys.DATA_FIELD);
        UsageEvent event;
        try {
            if (data == null) {
                throw new PoisonEventException("no 'data' field");
            }
            event = mapper.readValue(data, UsageEvent.class);
            SpendService.validate(event);
        } catch (PoisonEventException e) {
            failed(span, e, e.getMessage());
            deadLetter(stream, message, e.getMessage());
            return;
        } catch (Exception e) {
            // the parser's message may quote the payload: only the exception type goes anywhere
            String reason = "unreadable usage event: " + e.getClass().getSimpleName();
            failed(span, e, reason);
            deadLetter(stream, message, reason);
            return;
        }
        // the debit runs on a Vert.x duplicated context, where OpenTelemetry keeps its own current context
        Context traced = Context.current().with(span);
        try {
            VertxContextSupport.subscribeAndAwait(() -> {
                Scope scope = traced.makeCurrent();
                try {
                    return spend.settle(event).onTermination().invoke(scope::close);
                } catch (RuntimeException e) {
                    scope.close();
                    throw e;
                }
            });
            streams.xack(stream, GROUP, message.id());
        } catch (PoisonEventException e) {
            failed(span, e, e.getMessage());
            deadLetter(stream, message, e.getMessage());
        } catch (Throwable e) {
            // left pending: XAUTOCLAIM retries it after the idle time, here or in another process
            failed(span, e, "not debited: " + e.getClass().getSimpleName());
            LOG.warnf("usage entry %s (generation %s) not debited yet: %s", message.id(), event.generationId(),
                    e.getMessage());
        }
    }

    private static void failed(Span span, Throwable failure, String description) {
        span.setAttribute(ERROR_TYPE, failure.getClass().getName());
        span.setStatus(StatusCode.ERROR, description);
    }

    private void deadLetter(String stream, StreamMessage<String, String, String> message, String reason) {
        LOG.warnf("usage entry %s dead-lettered: %s", message.id(), reason);
        Map<String, String> fields = new HashMap<>();
        Map<String, String> payload = message.payload() == null ? Map.of() : message.payload();
        fields.put(RedisKeys.DATA_FIELD, payload.getOrDefault(RedisKeys.DATA_FIELD, ""));
        fields.put(RedisKeys.TRACEPARENT_FIELD, payload.getOrDefault(RedisKeys.TRACEPARENT_FIELD, ""));
        fields.put("reason", reason);
        fields.put("source_id", message.id());
        fields.put("group", GROUP);
        streams.xadd(keys.usageDeadLetterStream(), new XAddArgs().maxlen(DEAD_LETTER_MAXLEN).nearlyExactTrimming(),
                fields);
        streams.xack(stream, GROUP, message.id());
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
