package io.llmgateway.metering.stream;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.metering.config.MeteringConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Moves a poison usage entry to the dead-letter stream with the reason, so operators can inspect and
 * replay it and the group never blocks on it. Called from consumer threads (blocking client).
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final StreamCommands<String, String, String> streams;
    private final String stream;
    private final String group;
    private final long maxLen;
    private final MeterRegistry registry;

    public DeadLetters(RedisDataSource redis, RedisKeys keys, MeteringConfig config, MeterRegistry registry) {
        this.streams = redis.stream(String.class);
        this.stream = keys.usageDeadLetterStream();
        this.group = config.ingest().group();
        this.maxLen = config.ingest().deadLetterMaxLen();
        this.registry = registry;
    }

    public void send(String entryId, String data, String traceparent, String reason) {
        Map<String, String> fields = new HashMap<>();
        fields.put(RedisKeys.DATA_FIELD, data == null ? "" : data);
        fields.put(RedisKeys.TRACEPARENT_FIELD, traceparent == null ? "" : traceparent);
        fields.put("reason", reason);
        fields.put("source_id", entryId);
        fields.put("group", group);
        streams.xadd(stream, new XAddArgs().maxlen(maxLen).nearlyExactTrimming(), fields);
        registry.counter("metering.ingest.dead_letters", "reason", code(reason)).increment();
        LOG.warnf("usage entry %s moved to %s: %s", entryId, stream, reason);
    }

    /** A short, bounded metric tag for a free-text reason ("invalid JSON: ..." becomes "invalid_json"). */
    static String code(String reason) {
        String head = reason.split("[:'(]")[0].trim().toLowerCase();
        return head.isEmpty() ? "other" : head.replaceAll("[^a-z0-9]+", "_");
    }
}
