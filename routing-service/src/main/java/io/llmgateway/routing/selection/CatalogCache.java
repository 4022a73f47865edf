package io.llmgateway.routing.selection;

import io.llmgateway.contracts.events.CatalogEvent;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.internal.CatalogSnapshot;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.usage.StreamTail;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The catalog snapshot in memory, indexed by model id. Loaded at start (retried until catalog
 * answers; readiness stays DOWN until then), refetched when a catalog event announces a newer
 * version and every refresh interval as a safety net. A failed refetch keeps the last good copy.
 */
@Singleton
public class CatalogCache {

    private static final Logger LOG = Logger.getLogger(CatalogCache.class);

    /** Immutable view: swapped atomically, read without locks on the hot path. */
    public record Index(CatalogSnapshot snapshot, Map<String, CatalogSnapshot.Model> models,
            Map<String, CatalogSnapshot.Provider> providers, Map<String, CatalogSnapshot.Preset> presets) {

        /** The model a requested name stands for (its id, or an alias of it); null when none. */
        public CatalogSnapshot.Model model(String requested) {
            return models.get(snapshot.resolve(requested));
        }

        /** An account's preset by slug; null when it has none of that name. */
        public CatalogSnapshot.Preset preset(String accountId, String slug) {
            return presets.get(accountId + "/" + slug);
        }
    }

    private final CatalogClient client;
    private final Vertx vertx;
    private final Redis redis;
    private final RedisKeys keys;
    private final RoutingConfig config;
    private final AtomicBoolean fetching = new AtomicBoolean();
    private volatile Index index;
    private volatile long wantedVersion = -1;
    private StreamTail tail;
    private long timer = -1;

    public CatalogCache(CatalogClient client, Vertx vertx, Redis redis, RedisKeys keys, RoutingConfig config) {
        this.client = client;
        this.vertx = vertx;
        this.redis = redis;
        this.keys = keys;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        tail = new StreamTail(vertx, redis, keys.catalogEventsStream(), this::onEvent, this::refresh);
        tail.start();
        refresh();
        timer = vertx.setPeriodic(1000, id -> {
            if (index == null || (wantedVersion > index.snapshot().version())) {
                refresh();
            }
        });
        vertx.setPeriodic(config.catalog().refreshInterval().toMillis(), id -> refresh());
    }

    void stop(@Observes ShutdownEvent event) {
        if (tail != null) {
            tail.stop();
        }
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    public Index index() {
        return index;
    }

    public boolean loaded() {
        return index != null;
    }

    /** For tests and operators: install a snapshot directly. */
    public void install(CatalogSnapshot snapshot) {
        Map<String, CatalogSnapshot.Model> models = new HashMap<>();
        for (CatalogSnapshot.Model m : nonNull(snapshot.models())) {
            models.put(m.id(), m);
        }
        Map<String, CatalogSnapshot.Provider> providers = new HashMap<>();
        for (CatalogSnapshot.Provider p : nonNull(snapshot.providers())) {
            providers.put(p.slug(), p);
        }
        Map<String, CatalogSnapshot.Preset> presets = new HashMap<>();
        for (CatalogSnapshot.Preset p : nonNull(snapshot.presets())) {
            presets.put(p.accountId() + "/" + p.slug(), p);
        }
        index = new Index(snapshot, Map.copyOf(models), Map.copyOf(providers), Map.copyOf(presets));
    }

    private void onEvent(Map<String, String> fields) {
        String data = fields.get(RedisKeys.DATA_FIELD);
        if (data == null) {
            return;
        }
        try {
            CatalogEvent event = Json.MAPPER.readValue(data, CatalogEvent.class);
            wantedVersion = Math.max(wantedVersion, event.version());
            if (index == null || event.version() > index.snapshot().version()) {
                refresh();
            }
        } catch (Exception e) {
            LOG.warnf("unreadable catalog event ignored: %s", e.getMessage());
        }
    }

    public void refresh() {
        if (!fetching.compareAndSet(false, true)) {
            return;
        }
        Index current = index;
        client.fetch(current == null ? null : current.snapshot().version())
                .onComplete(ar -> fetching.set(false))
                .onSuccess(snapshot -> snapshot.ifPresent(s -> {
                    if (index == null || s.version() >= index.snapshot().version()) {
                        install(s);
                        LOG.infof("catalog snapshot version %d loaded (%d models)", s.version(), nonNull(s.models()).size());
                    }
                }))
                .onFailure(e -> LOG.debugf("catalog fetch failed, keeping the last snapshot: %s", e.getMessage()));
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
