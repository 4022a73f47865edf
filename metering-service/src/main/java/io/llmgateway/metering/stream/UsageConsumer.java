package io.llmgateway.metering.stream;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.metering.config.MeteringConfig;
import io.llmgateway.metering.persistence.UsageBatchWriter;
import io.llmgateway.platform.stream.BatchOutcome;
import io.llmgateway.platform.stream.StreamBatch;
import io.llmgateway.platform.stream.StreamBatchHandler;
import io.llmgateway.platform.stream.StreamEntry;
import io.llmgateway.platform.stream.StreamGroupConsumer;
import io.llmgateway.platform.stream.StreamGroupSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Consumes the usage stream in group {@code gateway.ingest.group} ("metering") through the platform's
 * {@link StreamGroupConsumer} ({@code gateway.ingest.*}): each batch is parsed on the consumer thread, poison
 * entries are dead-lettered with their reason, and the rest are written in one transaction; the entries are
 * acknowledged only after the commit, so a crash leaves them pending for XAUTOCLAIM, where the generation-id
 * conflict makes the replay count nothing twice. The workers are pipelined: while up to {@code max-in-flight}
 * transactions run, a worker already reads and parses the next batch. A write that fails for another reason
 * than the data leaves the batch pending, never capped. One CONSUMER span per batch continues the first
 * producer's trace and links the others.
 */
@ApplicationScoped
public class UsageConsumer implements StreamBatchHandler {

    private final UsageEntryParser parser;
    private final UsageBatchWriter writer;
    private final boolean enabled;
    private final StreamGroupConsumer group;
    private final Counter stored;
    private final Counter duplicates;
    private final AtomicLong lagSeconds = new AtomicLong();

    public UsageConsumer(RedisDataSource redis, RedisKeys keys, UsageEntryParser parser, UsageBatchWriter writer,
            Tracer tracer, MeteringConfig config, MeterRegistry registry) {
        this.parser = parser;
        this.writer = writer;
        MeteringConfig.Ingest ingest = config.ingest();
        this.enabled = ingest.enabled();
        this.stored = registry.counter("metering.ingest.events", "outcome", "stored");
        this.duplicates = registry.counter("metering.ingest.events", "outcome", "duplicate");
        registry.gauge("metering.ingest.lag.seconds", lagSeconds);
        this.group = new StreamGroupConsumer(redis, tracer, registry, new StreamGroupSettings(
                keys.usageStreams(config.usage().partitions()), ingest.group(), keys.usageDeadLetterStream(), ingest.deadLetterMaxLen(),
                new StreamGroupSettings.Reading(ingest.batchSize(), ingest.block(), ingest.linger(), ingest.workers(),
                        ingest.maxInFlight()),
                new StreamGroupSettings.Claiming(ingest.claimMinIdle(), ingest.claimInterval(), 0),
                StreamGroupSettings.Spans.PER_BATCH, "metering.ingest"), this);
    }

    void start(@Observes StartupEvent event) {
        if (enabled) {
            group.start();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        group.stop();
    }

    /** The consumer-name prefix of this process (host name plus a random suffix). */
    public String consumerBase() {
        return group.consumerName();
    }

    /** An entry that holds a storable event, the first of its generation in the batch. */
    private record Valid(StreamEntry entry, UsageEvent event) {
    }

    /**
     * Parses the batch on this (consumer) thread, marks poison entries for the dead-letter stream and starts the
     * batch's transaction without waiting for it.
     */
    @Override
    public CompletionStage<BatchOutcome> handle(StreamBatch batch) {
        long now = System.currentTimeMillis() / 1000;
        BatchOutcome outcome = new BatchOutcome();
        Map<String, Valid> valid = new LinkedHashMap<>();
        for (StreamEntry entry : batch.entries()) {
            UsageEntryParser.Parsed parsed = parser.parse(entry.id(), entry.fields(), now);
            if (parsed.poison()) {
                outcome.deadLetter(entry, parsed.reason(), null);
            } else if (valid.putIfAbsent(parsed.event().generationId(), new Valid(entry, parsed.event())) != null) {
                outcome.done(entry); // the same generation twice in one batch: the first one counts
                duplicates.increment();
            }
        }
        List<UsageEvent> events = new ArrayList<>(valid.size());
        valid.values().forEach(v -> events.add(v.event()));
        Set<Valid> rejected = new HashSet<>();
        return writer.write(events)
                .onFailure(UsageConsumer::rejectsData).recoverWithUni(() -> oneByOne(valid.values(), rejected, outcome))
                .map(inserted -> {
                    valid.values().stream().filter(v -> !rejected.contains(v)).forEach(v -> outcome.done(v.entry()));
                    stored.increment(inserted);
                    duplicates.increment(valid.size() - rejected.size() - inserted);
                    valid.values().stream().mapToLong(v -> v.event().createdAt()).max()
                            .ifPresent(newest -> lagSeconds.set(Math.max(0, now - newest)));
                    batch.span().setAttribute("metering.stored", inserted);
                    return outcome;
                })
                .onFailure().recoverWithItem(failure -> {
                    valid.values().forEach(v -> outcome.retry(v.entry(), "not stored",
                            failure.getClass().getSimpleName(), failure, true));
                    return outcome;
                })
                .subscribeAsCompletionStage();
    }

    /** The database rejected the data itself (SQLSTATE class 22/23, e.g. a value out of range), not an outage. */
    private static boolean rejectsData(Throwable failure) {
        return failure instanceof PgException pg && pg.getSqlState() != null
                && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"));
    }

    /** Writes the events one by one, so that only the culprit is dead-lettered. */
    private Uni<Integer> oneByOne(Collection<Valid> valid, Set<Valid> rejected, BatchOutcome outcome) {
        return Multi.createFrom().iterable(List.copyOf(valid))
                .onItem().transformToUniAndConcatenate(v -> writer.write(List.of(v.event()))
                        .onFailure(PgException.class).recoverWithItem(failure -> {
                            PgException single = (PgException) failure;
                            rejected.add(v);
                            outcome.deadLetter(v.entry(), "rejected by the database: " + single.getSqlState() + " "
                                    + single.getErrorMessage(), single);
                            return 0;
                        }))
                .collect().with(Collectors.summingInt(Integer::intValue));
    }
}
