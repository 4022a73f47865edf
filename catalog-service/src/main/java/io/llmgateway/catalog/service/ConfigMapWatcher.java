package io.llmgateway.catalog.service;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventSourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.llmgateway.catalog.config.CatalogConfig;
import io.llmgateway.catalog.persistence.ConfigSourceEntity;
import io.llmgateway.contracts.error.GatewayException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Applies provider ConfigMaps (label {@code llm-gateway.io/catalog=true}) of this namespace live, through
 * a fabric8 informer. A document is applied as one transaction, once per content (its hash is stored,
 * so every replica seeing the same ConfigMap changes the catalog once). Bad content is rejected whole:
 * a log line, a Warning Event on the ConfigMap and the {@code catalog_configmap_rejected_total} metric;
 * the previous catalog keeps serving. Deleting a ConfigMap keeps what it applied (operators disable
 * through a new version of it or the admin API): a deleted file must not silently drop a provider.
 */
@ApplicationScoped
public class ConfigMapWatcher {

    private static final Logger LOG = Logger.getLogger(ConfigMapWatcher.class);
    public static final String SOURCE_K8S = "k8s";

    private final Instance<KubernetesClient> clients;
    private final CatalogConfig config;
    private final CatalogStore store;
    private final AdminService admin;
    private final Counter rejected;
    private final Counter applied;
    private SharedIndexInformer<ConfigMap> informer;
    private String namespace;

    public ConfigMapWatcher(Instance<KubernetesClient> clients, CatalogConfig config, CatalogStore store,
            AdminService admin, MeterRegistry registry) {
        this.clients = clients;
        this.config = config;
        this.store = store;
        this.admin = admin;
        this.rejected = Counter.builder("catalog.configmap.rejected").description("Catalog ConfigMaps rejected as invalid")
                .register(registry);
        this.applied = Counter.builder("catalog.configmap.applied").description("Catalog ConfigMaps applied")
                .register(registry);
    }

    // after CatalogLifecycle (default priority): the seed import of an empty database comes first
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent event) {
        if (!config.kubernetes().watch()) {
            return;
        }
        KubernetesClient client = clients.get();
        namespace = config.kubernetes().namespace().filter(s -> !s.isBlank()).orElse(client.getNamespace());
        String[] label = config.kubernetes().label().split("=", 2);
        informer = client.configMaps().inNamespace(namespace)
                .withLabel(label[0], label.length > 1 ? label[1] : null)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(ConfigMap cm) {
                        apply(cm);
                    }

                    @Override
                    public void onUpdate(ConfigMap old, ConfigMap cm) {
                        apply(cm);
                    }

                    @Override
                    public void onDelete(ConfigMap cm, boolean finalStateUnknown) {
                        LOG.infof("catalog ConfigMap %s deleted; what it applied stays until changed",
                                cm.getMetadata().getName());
                    }
                }, 0);
        LOG.infof("watching ConfigMaps labelled %s in namespace %s", config.kubernetes().label(), namespace);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (informer != null) {
            informer.close();
        }
    }

    /** Runs on the informer's thread (never the event loop), so waiting for the transaction is fine. */
    void apply(ConfigMap cm) {
        String name = namespace + "/" + cm.getMetadata().getName();
        String content = ProviderConfigParser.content(cm.getData());
        if (content == null) {
            reject(cm, "neither " + ProviderConfigParser.YAML_KEY + " nor " + ProviderConfigParser.JSON_KEY + " key");
            return;
        }
        List<ProviderConfigParser.ProviderChange> changes;
        try {
            changes = ProviderConfigParser.parse(content);
        } catch (GatewayException e) {
            reject(cm, e.getMessage());
            return;
        }
        String hash = sha256(content);
        try {
            CatalogStore.Committed<Boolean> done = VertxContextSupport.subscribeAndAwait(
                    () -> store.change("configmap", name, () -> applyOnce(name, hash, changes)));
            if (done.changed()) {
                applied.increment();
                LOG.infof("catalog ConfigMap %s applied: %d providers (version %d)", name, changes.size(), done.version());
            }
        } catch (GatewayException e) {
            reject(cm, e.getMessage());
        } catch (Throwable e) {
            // the database is unusable: not the document's fault; the next resync or update retries
            LOG.errorf("catalog ConfigMap %s not applied: %s", name, e.toString());
        }
    }

    private Uni<CatalogStore.Work<Boolean>> applyOnce(String name, String hash,
            List<ProviderConfigParser.ProviderChange> changes) {
        return ConfigSourceEntity.<ConfigSourceEntity>findById(name).chain(source -> {
            if (source != null && hash.equals(source.contentHash)) {
                return Uni.createFrom().item(new CatalogStore.Work<>(false, false));
            }
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (ProviderConfigParser.ProviderChange change : changes) {
                chain = chain.chain(() -> admin.applyProvider(change.slug(), change.provider(), SOURCE_K8S)).replaceWithVoid();
                for (ProviderConfigParser.EndpointChange endpoint : change.endpoints()) {
                    chain = chain.chain(() -> admin.applyEndpoint(endpoint.id(), endpoint.endpoint(), SOURCE_K8S, true))
                            .replaceWithVoid();
                }
            }
            return chain.chain(() -> {
                ConfigSourceEntity row = source == null ? new ConfigSourceEntity() : source;
                row.name = name;
                row.contentHash = hash;
                row.appliedAt = Instant.now();
                return source == null ? row.persist().replaceWithVoid() : Uni.createFrom().voidItem();
            }).map(ignored -> new CatalogStore.Work<>(true, true));
        });
    }

    private void reject(ConfigMap cm, String reason) {
        rejected.increment();
        LOG.warnf("catalog ConfigMap %s/%s ignored, previous catalog kept: %s", namespace, cm.getMetadata().getName(), reason);
        try {
            Instant now = Instant.now();
            clients.get().v1().events().inNamespace(namespace).resource(new EventBuilder()
                    .withNewMetadata()
                    .withName(cm.getMetadata().getName() + "." + Long.toHexString(System.nanoTime()))
                    .withNamespace(namespace)
                    .endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
                            .withName(cm.getMetadata().getName()).withNamespace(namespace)
                            .withUid(cm.getMetadata().getUid()).build())
                    .withType("Warning")
                    .withReason("InvalidCatalogConfig")
                    .withMessage(reason.length() > 1000 ? reason.substring(0, 1000) : reason)
                    .withFirstTimestamp(now.toString())
                    .withLastTimestamp(now.toString())
                    .withCount(1)
                    .withSource(new EventSourceBuilder().withComponent("catalog-service").build())
                    .build()).create();
        } catch (RuntimeException e) {
            LOG.debugf("could not record a Kubernetes Event: %s", e.getMessage());
        }
    }

    static String sha256(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
