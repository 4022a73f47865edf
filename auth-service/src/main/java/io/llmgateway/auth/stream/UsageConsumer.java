package io.llmgateway.auth.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.auth.config.AuthConfig;
import io.llmgateway.auth.service.Debit;
import io.llmgateway.auth.service.PoisonEventException;
import io.llmgateway.auth.service.Settlement;
import io.llmgateway.auth.service.SpendService;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.platform.stream.BatchOutcome;
import io.llmgateway.platform.stream.StreamBatch;
import io.llmgateway.platform.stream.StreamBatchHandler;
import io.llmgateway.platform.stream.StreamEntry;
import io.llmgateway.platform.stream.StreamGroupConsumer;
import io.llmgateway.platform.stream.StreamGroupSettings;
import io.llmgateway.platform.trace.StreamTrace;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * Consumer group {@code auth} on the usage stream, read by the platform's {@link StreamGroupConsumer}
 * ({@code gateway.usage.*}): each read batch (up to {@code gateway.usage.batch} entries) is settled in one
 * transaction by {@link SpendService}, run on a Vert.x context and awaited on the consumer thread; its entries
 * are acknowledged after the commit, so a crash leaves them pending for XAUTOCLAIM. A settlement is keyed on
 * the generation id, so a redelivered entry is never charged twice. An entry the database keeps rejecting is
 * dead-lettered after {@code gateway.usage.max-deliveries}; one that fails because PostgreSQL or Redis is
 * unreachable is never capped. Each entry has its own CONSUMER span continuing the producer's trace: it is the
 * trace of the key events its debit led to. A batch span, child of the first entry's span and linked to the
 * others, covers the transaction.
 */
@ApplicationScoped
public class UsageConsumer implements StreamBatchHandler {

    public static final String GROUP = "auth";
    private static final Logger LOG = Logger.getLogger(UsageConsumer.class);
    private static final long DEAD_LETTER_MAXLEN = 100_000;

    private final SpendService spend;
    private final DebitFieldsReader reader;
    private final Tracer tracer;
    private final Counter debited;
    private final boolean enabled;
    private final StreamGroupConsumer group;

    public UsageConsumer(RedisDataSource redis, SpendService spend, ObjectMapper mapper, RedisKeys keys,
            AuthConfig config, Tracer tracer, MeterRegistry registry) {
        // auth_debits_total: the alert "credit ledger lagging" and the dashboard compare it with served requests
        this.debited = registry.counter("auth.debits");
        this.spend = spend;
        this.reader = new DebitFieldsReader(mapper);
        this.tracer = tracer;
        AuthConfig.Usage usage = config.usage();
        this.enabled = usage.enabled();
        this.group = new StreamGroupConsumer(redis, tracer, registry, new StreamGroupSettings(
                keys.usageStreams(usage.partitions()), GROUP, keys.usageDeadLetterStream(), DEAD_LETTER_MAXLEN,
                new StreamGroupSettings.Reading(usage.batch(), usage.block(), usage.linger(), 1, 1),
                new StreamGroupSettings.Claiming(usage.claimMinIdle(), usage.claimInterval(), usage.maxDeliveries()),
                StreamGroupSettings.Spans.PER_ENTRY, "auth.usage"), this);
    }

    void onStart(@Observes StartupEvent event) {
        if (enabled) {
            group.start();
        } else {
            LOG.info("usage consumer disabled (gateway.usage.enabled=false)");
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        group.stop();
    }

    public String consumerName() {
        return group.consumerName();
    }

    /**
     * Settles one read batch: entries that cannot be parsed are dead-lettered, the rest are settled together.
     * Runs on the consumer thread and returns when the transaction is over.
     */
    @Override
    public CompletionStage<BatchOutcome> handle(StreamBatch batch) {
        BatchOutcome outcome = new BatchOutcome();
        List<Parsed> valid = new ArrayList<>(batch.entries().size());
        for (StreamEntry entry : batch.entries()) {
            if (entry.vanished()) {
                // trimmed from the stream while pending (Redis 6.2 returns it without fields): nothing to settle
                LOG.warnf("pending usage entry %s no longer exists; acknowledged", entry.id());
                outcome.done(entry);
                continue;
            }
            Parsed parsed = parse(entry, outcome);
            if (parsed != null) {
                valid.add(parsed);
            }
        }
        if (!valid.isEmpty()) {
            settle(batch, valid, outcome);
        }
        return CompletableFuture.completedFuture(outcome);
    }

    /** One entry that holds a usage event that can be debited. */
    private record Parsed(StreamEntry entry, UsageEvent event) {
    }

    /** The entry's event, or null when it can never be debited (then it is dead-lettered with the reason). */
    private Parsed parse(StreamEntry entry, BatchOutcome outcome) {
        try {
            if (entry.data() == null) {
                throw new PoisonEventException("no 'data' field");
            }
            UsageEvent event = reader.read(entry.data());
            SpendService.validate(event);
            return new Parsed(entry, event);
        } catch (PoisonEventException e) {
            outcome.deadLetter(entry, e.getMessage(), e);
        } catch (Exception e) {
            // the parser's message may quote the payload: only the exception type goes anywhere
            outcome.deadLetter(entry, "unreadable usage event: " + e.getClass().getSimpleName(), e);
        }
        return null;
    }

    /**
     * One transaction for all valid entries. When the database rejects the batch for something other than
     * an outage, each entry is settled alone so one bad entry cannot hold the others back.
     */
    private void settle(StreamBatch batch, List<Parsed> valid, BatchOutcome outcome) {
        try {
            outcomes(valid, outcome, settleTogether(batch, valid));
            return;
        } catch (Throwable e) {
            if (valid.size() == 1 || Failures.isTransient(e)) {
                valid.forEach(parsed -> notSettled(parsed, e, outcome));
                return;
            }
            LOG.warnf("usage batch of %d not settled (%s); settling its entries one by one", valid.size(),
                    Failures.describe(e));
        }
        for (Parsed parsed : valid) {
            try {
                outcomes(List.of(parsed), outcome, settleTogether(batch, List.of(parsed)));
            } catch (Throwable e) {
                notSettled(parsed, e, outcome);
            }
        }
    }

    private Settlement settleTogether(StreamBatch batch, List<Parsed> entries) throws Throwable {
        List<Debit> debits = new ArrayList<>(entries.size());
        for (Parsed parsed : entries) {
            debits.add(new Debit(parsed.event(), StreamTrace.traceparent(parsed.entry().span().getSpanContext())));
        }
        Span span = StreamTrace.childOfFirst(StreamTrace.messaging(tracer.spanBuilder("settle usage batch"),
                batch.stream(), batch.group()).setSpanKind(SpanKind.INTERNAL),
                entries.stream().map(parsed -> parsed.entry().span().getSpanContext()).toList())
                .setAttribute(StreamTrace.MESSAGING_BATCH_COUNT, (long) entries.size())
                .startSpan();
        // the SQL and Redis calls run on a Vert.x duplicated context, where OpenTelemetry keeps its own
        // current context: make the batch span current there so their spans hang off it
        Context traced = Context.root().with(span);
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
            StreamTrace.failed(span, e, "not settled: " + e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }

    private void outcomes(List<Parsed> entries, BatchOutcome outcome, Settlement settlement) {
        for (int i = 0; i < entries.size(); i++) {
            StreamEntry entry = entries.get(i).entry();
            if (settlement.outcome(i) == Settlement.Outcome.CHARGED) {
                debited.increment();
            }
            if (settlement.outcome(i) == Settlement.Outcome.UNKNOWN_ACCOUNT) {
                String reason = "unknown account " + entries.get(i).event().accountId();
                outcome.deadLetter(entry, "unknown_account", reason, new PoisonEventException(reason));
            } else {
                outcome.done(entry);
            }
        }
    }

    /** Left pending for XAUTOCLAIM, here or in another process; capped only when it is not an outage. */
    private static void notSettled(Parsed parsed, Throwable failure, BatchOutcome outcome) {
        outcome.retry(parsed.entry(), "not debited", Failures.describe(failure), failure, Failures.isTransient(failure));
    }
}
