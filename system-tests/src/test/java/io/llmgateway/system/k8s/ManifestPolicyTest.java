package io.llmgateway.system.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The house rules for what we deploy, checked on the rendered output of every kustomize target.
 * Each check collects every violation before failing, so one run lists all that needs fixing.
 */
class ManifestPolicyTest {

    /** The four gateway services and their ports. */
    static final Map<String, Integer> SERVICES = Map.of(
            "routing-service", 8080, "catalog-service", 8081, "auth-service", 8082, "metering-service", 8083);
    static final Map<String, String> DATABASES = Map.of(
            "catalog-service", "gateway_catalog", "auth-service", "gateway_auth", "metering-service", "gateway_metering");
    static final String PART_OF = "app.kubernetes.io/part-of";

    static List<String> targets() {
        return Manifests.targets();
    }

    static List<String> overlays() {
        return Manifests.overlays();
    }

    // ---- every container -------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void everyContainerHasProbesResourcesAndARestrictedSecurityContext(String target) {
        List<String> problems = new ArrayList<>();
        for (Workload w : workloads(target)) {
            PodSpec pod = w.template().getSpec();
            PodSecurityContext podSec = Optional.ofNullable(pod.getSecurityContext()).orElse(new PodSecurityContext());
            for (Container c : allContainers(pod)) {
                String where = w.id() + " container " + c.getName();
                boolean init = pod.getInitContainers() != null && pod.getInitContainers().contains(c);
                if (!init && (c.getLivenessProbe() == null || c.getReadinessProbe() == null)) {
                    problems.add(where + ": needs both a livenessProbe and a readinessProbe");
                }
                ResourceRequirements r = c.getResources();
                for (String res : List.of("cpu", "memory")) {
                    if (r == null || r.getRequests() == null || !r.getRequests().containsKey(res)) {
                        problems.add(where + ": no " + res + " request");
                    }
                    if (r == null || r.getLimits() == null || !r.getLimits().containsKey(res)) {
                        problems.add(where + ": no " + res + " limit");
                    }
                }
                SecurityContext sec = Optional.ofNullable(c.getSecurityContext()).orElse(new SecurityContext());
                Boolean nonRoot = sec.getRunAsNonRoot() != null ? sec.getRunAsNonRoot() : podSec.getRunAsNonRoot();
                Long uid = sec.getRunAsUser() != null ? sec.getRunAsUser() : podSec.getRunAsUser();
                if (!Boolean.TRUE.equals(nonRoot)) {
                    problems.add(where + ": runAsNonRoot must be true");
                }
                if (uid == null || uid == 0L) {
                    problems.add(where + ": needs a numeric non-zero runAsUser");
                }
                if (!Boolean.FALSE.equals(sec.getAllowPrivilegeEscalation())) {
                    problems.add(where + ": allowPrivilegeEscalation must be false");
                }
                if (!Boolean.TRUE.equals(sec.getReadOnlyRootFilesystem())) {
                    problems.add(where + ": readOnlyRootFilesystem must be true");
                }
                if (Boolean.TRUE.equals(sec.getPrivileged())) {
                    problems.add(where + ": privileged");
                }
                if (sec.getCapabilities() == null || sec.getCapabilities().getDrop() == null
                        || !sec.getCapabilities().getDrop().contains("ALL")) {
                    problems.add(where + ": capabilities must drop ALL");
                }
                for (Probe p : probes(c)) {
                    if (p.getHttpGet() != null && !portExists(c, p.getHttpGet().getPort())) {
                        problems.add(where + ": probe port " + p.getHttpGet().getPort() + " is not a container port");
                    }
                }
            }
            if (Boolean.TRUE.equals(pod.getHostNetwork()) || Boolean.TRUE.equals(pod.getHostPID())) {
                problems.add(w.id() + ": must not use the host network or PID namespace");
            }
        }
        assertEquals(List.of(), problems, target);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void everyImageIsPinnedNeverLatest(String target) {
        List<String> problems = new ArrayList<>();
        for (Workload w : workloads(target)) {
            for (Container c : allContainers(w.template().getSpec())) {
                String image = c.getImage();
                String lastSegment = image == null ? "" : image.substring(image.lastIndexOf('/') + 1);
                boolean digest = lastSegment.contains("@sha256:");
                boolean tagged = lastSegment.contains(":") && !lastSegment.endsWith(":");
                if (!digest && !tagged) {
                    problems.add(w.id() + ": image " + image + " has no tag");
                } else if (!digest && lastSegment.endsWith(":latest")) {
                    problems.add(w.id() + ": image " + image + " uses latest");
                }
            }
        }
        assertEquals(List.of(), problems, target);
    }

    // ---- secrets ---------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void noSecretValuesAreCommitted(String target) {
        Manifests.Rendered r = Manifests.render(target);
        List<String> withValues = r.all(Secret.class).stream()
                .filter(s -> notEmpty(s.getData()) || notEmpty(s.getStringData()))
                .map(s -> s.getMetadata().getName()).toList();
        assertEquals(List.of(), withValues, target + ": Secrets with values; reference them and document "
                + "`kubectl create secret` in docs/operations.md instead");
    }

    /** A Secret the manifests need must be explained in the runbook, or nobody will create it. */
    @Test
    void everyReferencedSecretIsDocumentedInTheRunbook() throws IOException {
        String runbook = Files.readString(Manifests.repoRoot().resolve("docs/operations.md"));
        Set<String> missing = new TreeSet<>();
        for (String target : Manifests.targets()) {
            for (String secret : referencedSecrets(Manifests.render(target))) {
                if (!runbook.contains("kubectl -n llm-gateway create secret") || !runbook.contains(secret)) {
                    missing.add(secret);
                }
            }
        }
        assertEquals(Set.of(), missing, "Secrets referenced by k8s/ but not described in docs/operations.md");
    }

    // ---- wiring between objects ------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void everyDeploymentHasAServiceAndADisruptionBudget(String target) {
        Manifests.Rendered r = Manifests.render(target);
        List<String> problems = new ArrayList<>();
        for (Deployment d : r.all(Deployment.class)) {
            Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
            String name = d.getMetadata().getName();
            boolean service = r.all(Service.class).stream()
                    .anyMatch(s -> selects(s.getSpec().getSelector(), labels));
            boolean pdb = r.all(PodDisruptionBudget.class).stream()
                    .anyMatch(p -> p.getSpec().getSelector() != null
                            && selects(p.getSpec().getSelector().getMatchLabels(), labels));
            if (!service) {
                problems.add("Deployment " + name + " has no Service selecting its pods");
            }
            if (!pdb) {
                problems.add("Deployment " + name + " has no PodDisruptionBudget selecting its pods");
            }
            if (!selects(d.getSpec().getSelector().getMatchLabels(), labels)) {
                problems.add("Deployment " + name + " selector does not match its own pod labels");
            }
        }
        assertEquals(List.of(), problems, target);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void servicesReachADeclaredContainerPort(String target) {
        Manifests.Rendered r = Manifests.render(target);
        List<String> problems = new ArrayList<>();
        for (Service s : r.all(Service.class)) {
            if ("ExternalName".equals(s.getSpec().getType())) {
                continue;
            }
            List<Workload> backing = workloads(target).stream()
                    .filter(w -> selects(s.getSpec().getSelector(), w.template().getMetadata().getLabels())).toList();
            if (backing.isEmpty()) {
                problems.add("Service " + s.getMetadata().getName() + " selects no workload");
                continue;
            }
            for (ServicePort port : s.getSpec().getPorts()) {
                IntOrString targetPort = port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
                boolean found = backing.stream().anyMatch(w -> allContainers(w.template().getSpec()).stream()
                        .anyMatch(c -> portExists(c, targetPort)));
                if (!found) {
                    problems.add("Service " + s.getMetadata().getName() + " port " + port.getName()
                            + " targets " + targetPort + ", which no selected container declares");
                }
            }
        }
        assertEquals(List.of(), problems, target);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void autoscalersTargetExistingWorkloadsThatDoNotPinReplicas(String target) {
        Manifests.Rendered r = Manifests.render(target);
        List<String> problems = new ArrayList<>();
        Set<String> scaled = new TreeSet<>();
        for (HorizontalPodAutoscaler hpa : r.all(HorizontalPodAutoscaler.class)) {
            var ref = hpa.getSpec().getScaleTargetRef();
            scaled.add(ref.getName());
            Optional<? extends HasMetadata> workload = "Deployment".equals(ref.getKind())
                    ? r.find(Deployment.class, ref.getName())
                    : "StatefulSet".equals(ref.getKind()) ? r.find(StatefulSet.class, ref.getName()) : Optional.empty();
            if (workload.isEmpty()) {
                problems.add("HPA " + hpa.getMetadata().getName() + " targets missing " + ref.getKind() + " " + ref.getName());
            } else if (workload.get() instanceof Deployment d && d.getSpec().getReplicas() != null) {
                problems.add("Deployment " + ref.getName() + " sets replicas although HPA "
                        + hpa.getMetadata().getName() + " owns the count (every apply would reset it)");
            }
            Integer min = hpa.getSpec().getMinReplicas();
            if (min == null || min < 1 || hpa.getSpec().getMaxReplicas() < min) {
                problems.add("HPA " + hpa.getMetadata().getName() + " has bounds " + min + ".." + hpa.getSpec().getMaxReplicas());
            }
        }
        assertTrue(scaled.containsAll(Set.of("routing-service", "metering-service")),
                target + ": routing-service and metering-service must be autoscaled, got " + scaled);
        assertEquals(List.of(), problems, target);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void ingressRoutesEachPublicPathToItsOwnerAndNothingInternal(String target) {
        Manifests.Rendered r = Manifests.render(target);
        List<Ingress> ingresses = r.all(Ingress.class);
        assertEquals(1, ingresses.size(), target + ": expected one Ingress");
        Map<String, String> routes = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        ingresses.get(0).getSpec().getRules().forEach(rule -> rule.getHttp().getPaths().forEach(p -> {
            IngressServiceBackend backend = p.getBackend().getService();
            routes.put(p.getPath(), backend.getName());
            Optional<Service> svc = r.find(Service.class, backend.getName());
            if (svc.isEmpty()) {
                problems.add(p.getPath() + " -> missing Service " + backend.getName());
            } else if (svc.get().getSpec().getPorts().stream().noneMatch(sp -> backend.getPort().getName() != null
                    ? backend.getPort().getName().equals(sp.getName())
                    : Objects.equals(backend.getPort().getNumber(), sp.getPort()))) {
                problems.add(p.getPath() + " -> Service " + backend.getName() + " has no port " + backend.getPort());
            }
            if (p.getPath().contains("/internal") || p.getPath().contains("/admin") || p.getPath().startsWith("/q")) {
                problems.add(p.getPath() + " exposes a non-public path");
            }
            if (!"Prefix".equals(p.getPathType()) && !"Exact".equals(p.getPathType())) {
                problems.add(p.getPath() + " has pathType " + p.getPathType() + " (controller-specific)");
            }
        }));
        Map<String, String> expected = Map.ofEntries(
                Map.entry("/api/v1/chat/completions", "routing-service"),
                Map.entry("/api/v1/completions", "routing-service"),
                Map.entry("/api/v1/models", "catalog-service"),
                Map.entry("/api/v1/providers", "catalog-service"),
                Map.entry("/api/v1/key", "auth-service"),
                Map.entry("/api/v1/keys", "auth-service"),
                Map.entry("/api/v1/credits", "auth-service"),
                Map.entry("/api/v1/generation", "metering-service"),
                Map.entry("/api/v1/activity", "metering-service"),
                Map.entry("/api/v1/usage", "metering-service"),
                Map.entry("/dashboard", "metering-service"));
        expected.forEach((path, service) -> {
            if (!service.equals(routes.get(path))) {
                problems.add(path + " should go to " + service + " but goes to " + routes.get(path));
            }
        });
        assertEquals(List.of(), problems, target);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void configMapReferencesResolve(String target) {
        Manifests.Rendered r = Manifests.render(target);
        List<String> problems = new ArrayList<>();
        for (Workload w : workloads(target)) {
            PodSpec pod = w.template().getSpec();
            for (Container c : allContainers(pod)) {
                for (EnvFromSource from : list(c.getEnvFrom())) {
                    if (from.getConfigMapRef() != null && !Boolean.TRUE.equals(from.getConfigMapRef().getOptional())
                            && r.find(ConfigMap.class, from.getConfigMapRef().getName()).isEmpty()) {
                        problems.add(w.id() + ": envFrom missing ConfigMap " + from.getConfigMapRef().getName());
                    }
                }
                for (EnvVar env : list(c.getEnv())) {
                    var ref = env.getValueFrom() == null ? null : env.getValueFrom().getConfigMapKeyRef();
                    if (ref != null && !Boolean.TRUE.equals(ref.getOptional())) {
                        Optional<ConfigMap> cm = r.find(ConfigMap.class, ref.getName());
                        if (cm.isEmpty() || cm.get().getData() == null || !cm.get().getData().containsKey(ref.getKey())) {
                            problems.add(w.id() + ": env " + env.getName() + " needs " + ref.getName() + "/" + ref.getKey());
                        }
                    }
                }
            }
            for (Volume v : list(pod.getVolumes())) {
                if (v.getConfigMap() != null && r.find(ConfigMap.class, v.getConfigMap().getName()).isEmpty()) {
                    problems.add(w.id() + ": volume " + v.getName() + " needs ConfigMap " + v.getConfigMap().getName());
                }
            }
            String sa = pod.getServiceAccountName();
            if (sa != null && r.all(io.fabric8.kubernetes.api.model.ServiceAccount.class).stream()
                    .noneMatch(a -> sa.equals(a.getMetadata().getName()))) {
                problems.add(w.id() + ": missing ServiceAccount " + sa);
            }
        }
        assertEquals(List.of(), problems, target);
    }

    // ---- the gateway services ----------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void gatewayServicesAreWiredAsTheServicesExpect(String target) {
        Manifests.Rendered r = Manifests.render(target);
        List<String> problems = new ArrayList<>();
        SERVICES.forEach((name, port) -> {
            Optional<Deployment> found = r.find(Deployment.class, name);
            if (found.isEmpty()) {
                problems.add("missing Deployment " + name);
                return;
            }
            PodTemplateSpec template = found.get().getSpec().getTemplate();
            Container c = template.getSpec().getContainers().get(0);
            Map<String, String> env = effectiveEnv(r, c);
            if (!c.getImage().startsWith("ghcr.io/llm-gateway/" + name + ":")) {
                problems.add(name + ": image " + c.getImage() + " is not ghcr.io/llm-gateway/" + name);
            }
            if (!portExists(c, new IntOrString(port)) || !String.valueOf(port).equals(env.get("QUARKUS_HTTP_PORT"))) {
                problems.add(name + ": must listen on " + port + " (container port and QUARKUS_HTTP_PORT)");
            }
            Map<String, String> ann = Optional.ofNullable(template.getMetadata().getAnnotations()).orElse(Map.of());
            if (!"true".equals(ann.get("prometheus.io/scrape")) || !String.valueOf(port).equals(ann.get("prometheus.io/port"))
                    || !"/q/metrics".equals(ann.get("prometheus.io/path"))) {
                problems.add(name + ": Prometheus scrape annotations must point at " + port + "/q/metrics, got " + ann);
            }
            expectProbe(problems, name, c.getLivenessProbe(), "/q/health/live");
            expectProbe(problems, name, c.getReadinessProbe(), "/q/health/ready");
            expectProbe(problems, name, c.getStartupProbe(), "/q/health/started");
            if (list(c.getVolumeMounts()).stream().noneMatch(m -> "/tmp".equals(m.getMountPath()))) {
                problems.add(name + ": read-only root filesystem needs a writable /tmp mount");
            }
            for (String required : List.of("QUARKUS_REDIS_HOSTS", "GATEWAY_CATALOG_URL", "GATEWAY_AUTH_URL",
                    "GATEWAY_METERING_URL", "QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "GATEWAY_OPERATOR_TOKEN")) {
                if (!env.containsKey(required)) {
                    problems.add(name + ": env " + required + " is not set");
                }
            }
            for (String url : List.of("GATEWAY_CATALOG_URL", "GATEWAY_AUTH_URL", "GATEWAY_METERING_URL")) {
                Matcher m = Pattern.compile("http://([a-z0-9-]+):(\\d+)").matcher(env.getOrDefault(url, ""));
                if (m.matches() && r.find(Service.class, m.group(1)).stream().flatMap(s -> s.getSpec().getPorts().stream())
                        .noneMatch(p -> p.getPort() == Integer.parseInt(m.group(2)))) {
                    problems.add(name + ": " + url + "=" + env.get(url) + " is not a Service port");
                }
            }
            String db = DATABASES.get(name);
            if (db != null) {
                for (String required : List.of("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD")) {
                    if (!env.containsKey(required)) {
                        problems.add(name + ": env " + required + " is not set");
                    }
                }
                if (!env.getOrDefault("QUARKUS_DATASOURCE_JDBC_URL", "").matches("jdbc:postgresql://[^/]+/" + db + "(\\?.*)?")
                        || !env.getOrDefault("QUARKUS_DATASOURCE_REACTIVE_URL", "").matches("postgresql://[^/]+/" + db + "(\\?.*)?")) {
                    problems.add(name + ": JDBC and reactive URLs must both point at database " + db);
                }
            }
            long grace = Optional.ofNullable(template.getSpec().getTerminationGracePeriodSeconds()).orElse(30L);
            long shutdown = parseSeconds(env.getOrDefault("QUARKUS_SHUTDOWN_TIMEOUT", "0s"));
            long preStop = preStopSleepSeconds(c);
            if (shutdown == 0 || preStop == 0 || grace < shutdown + preStop) {
                problems.add(name + ": terminationGracePeriodSeconds " + grace + " must cover preStop sleep " + preStop
                        + " + QUARKUS_SHUTDOWN_TIMEOUT " + shutdown);
            }
        });
        long routingGrace = r.find(Deployment.class, "routing-service")
                .map(d -> d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).orElse(0L);
        if (routingGrace < 120) {
            problems.add("routing-service: in-flight streams need terminationGracePeriodSeconds >= 120, got " + routingGrace);
        }
        assertEquals(List.of(), problems, target);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void catalogMayWatchConfigMapsInItsNamespaceOnly(String target) {
        Manifests.Rendered r = Manifests.render(target);
        Deployment catalog = r.find(Deployment.class, "catalog-service").orElseThrow();
        PodSpec pod = catalog.getSpec().getTemplate().getSpec();
        assertEquals("true", effectiveEnv(r, pod.getContainers().get(0)).get("GATEWAY_KUBERNETES_WATCH"));
        assertFalse(Boolean.FALSE.equals(pod.getAutomountServiceAccountToken()), "catalog needs its API token");
        String sa = pod.getServiceAccountName();
        Set<String> verbs = new TreeSet<>();
        boolean events = false;
        for (RoleBinding rb : r.all(RoleBinding.class)) {
            boolean forCatalog = rb.getSubjects().stream()
                    .anyMatch(s -> "ServiceAccount".equals(s.getKind()) && sa.equals(s.getName()));
            if (!forCatalog || !"Role".equals(rb.getRoleRef().getKind())) {
                continue;
            }
            Role role = r.find(Role.class, rb.getRoleRef().getName())
                    .orElseThrow(() -> new AssertionError("RoleBinding " + rb.getMetadata().getName() + " names a missing Role"));
            for (var rule : role.getRules()) {
                if (rule.getResources().contains("configmaps") && rule.getApiGroups().contains("")) {
                    verbs.addAll(rule.getVerbs());
                }
                events |= rule.getResources().contains("events") && rule.getVerbs().contains("create");
            }
        }
        assertTrue(verbs.containsAll(Set.of("get", "list", "watch")), target + ": catalog configmap verbs " + verbs);
        assertTrue(Set.of("get", "list", "watch").containsAll(verbs), target + ": catalog must only read configmaps: " + verbs);
        assertTrue(events, target + ": catalog may create events");
        for (String other : List.of("routing-service", "auth-service", "metering-service")) {
            assertEquals(Boolean.FALSE, r.find(Deployment.class, other).orElseThrow().getSpec().getTemplate().getSpec()
                    .getAutomountServiceAccountToken(), other + " does not call the Kubernetes API: no token");
        }
    }

    /** The variable of quarkus.log.console.json.enabled (quarkus-logging-json, Quarkus 3.19+). */
    static final String JSON_LOGS = "QUARKUS_LOG_CONSOLE_JSON_ENABLED";

    /**
     * In Kubernetes every line is one JSON object (for Loki/ELK) carrying the MDC's traceId/spanId, set once in
     * the shared ConfigMap so no service is left with text lines; overlays must not switch it off.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void gatewayServicesLogOneJsonObjectPerLine(String target) {
        Manifests.Rendered r = Manifests.render(target);
        List<String> problems = new ArrayList<>();
        String shared = r.find(ConfigMap.class, "llm-gateway-config").map(cm -> mapOf(cm.getData()).get(JSON_LOGS)).orElse(null);
        if (!"true".equals(shared)) {
            problems.add("ConfigMap llm-gateway-config: " + JSON_LOGS + " must be \"true\", got " + shared);
        }
        SERVICES.keySet().forEach(name -> r.find(Deployment.class, name).ifPresent(d -> {
            Map<String, String> env = effectiveEnv(r, d.getSpec().getTemplate().getSpec().getContainers().get(0));
            if (!"true".equals(env.get(JSON_LOGS))) {
                problems.add(name + ": " + JSON_LOGS + " must be true, got " + env.get(JSON_LOGS));
            }
            // The pre-3.19 name loses to quarkus.log.console.json.enabled=false in application.properties.
            if (env.containsKey("QUARKUS_LOG_CONSOLE_JSON")) {
                problems.add(name + ": QUARKUS_LOG_CONSOLE_JSON is the deprecated name; use " + JSON_LOGS);
            }
        }));
        assertEquals(List.of(), problems, target);
    }

    /**
     * The ConfigMap's switch does nothing unless each service has quarkus-logging-json, and local runs and tests
     * stay readable only if the services default it to off under the same property.
     */
    @Test
    void servicesShipJsonLoggingSwitchedOffByDefault() throws IOException {
        List<String> problems = new ArrayList<>();
        Pattern off = Pattern.compile("(?m)^quarkus\\.log\\.console\\.json\\.enabled\\s*=\\s*false\\s*$");
        for (String name : new TreeSet<>(SERVICES.keySet())) {
            Path module = Manifests.repoRoot().resolve(name);
            if (!Files.readString(module.resolve("pom.xml")).contains("<artifactId>quarkus-logging-json</artifactId>")) {
                problems.add(name + ": pom.xml lacks io.quarkus:quarkus-logging-json");
            }
            if (!off.matcher(Files.readString(module.resolve("src/main/resources/application.properties"))).find()) {
                problems.add(name + ": application.properties must set quarkus.log.console.json.enabled=false");
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void networkPoliciesKeepInternalEndpointsInternal(String target) {
        Manifests.Rendered r = Manifests.render(target);
        List<NetworkPolicy> policies = r.all(NetworkPolicy.class);
        assertTrue(policies.stream().anyMatch(p -> mapOf(p.getSpec().getPodSelector().getMatchLabels()).isEmpty()
                && list(p.getSpec().getPodSelector().getMatchExpressions()).isEmpty()
                && list(p.getSpec().getIngress()).isEmpty()
                && list(p.getSpec().getPolicyTypes()).contains("Ingress")), target + ": no default-deny ingress policy");
        List<String> problems = new ArrayList<>();
        for (Workload w : workloads(target)) {
            Map<String, String> labels = w.template().getMetadata().getLabels();
            if (!"llm-gateway".equals(labels.get(PART_OF))) {
                problems.add(w.id() + ": pods lack " + PART_OF + "=llm-gateway, siblings cannot reach them");
            }
        }
        boolean siblings = policies.stream().anyMatch(p -> list(p.getSpec().getIngress()).stream()
                .flatMap(i -> list(i.getFrom()).stream())
                .anyMatch(f -> f.getPodSelector() != null && f.getNamespaceSelector() == null
                        && "llm-gateway".equals(mapOf(f.getPodSelector().getMatchLabels()).get(PART_OF))));
        if (!siblings) {
            problems.add("no policy lets the suite's pods reach each other");
        }
        SERVICES.forEach((name, port) -> {
            Map<String, String> labels = r.find(Deployment.class, name).orElseThrow().getSpec().getTemplate().getMetadata().getLabels();
            boolean fromIngress = policies.stream().filter(p -> selectsPods(p, labels))
                    .flatMap(p -> list(p.getSpec().getIngress()).stream())
                    .filter(rule -> list(rule.getFrom()).stream().anyMatch(f -> f.getNamespaceSelector() != null
                            && mapOf(f.getNamespaceSelector().getMatchLabels()).containsValue("ingress-nginx")))
                    .anyMatch(rule -> allowsPort(rule, port));
            if (!fromIngress) {
                problems.add(name + ": the ingress controller cannot reach port " + port);
            }
        });
        // Anything reachable from outside the namespace must be one of the four public ports.
        for (NetworkPolicy p : policies) {
            for (NetworkPolicyIngressRule rule : list(p.getSpec().getIngress())) {
                boolean external = list(rule.getFrom()).stream().anyMatch(f -> f.getNamespaceSelector() != null || f.getIpBlock() != null)
                        || list(rule.getFrom()).isEmpty();
                if (external && (list(rule.getPorts()).isEmpty() || list(rule.getPorts()).stream()
                        .anyMatch(port -> port.getPort() == null || !SERVICES.containsValue(port.getPort().getIntVal())))) {
                    problems.add("policy " + p.getMetadata().getName() + " opens more than the public HTTP ports to other namespaces");
                }
            }
        }
        assertEquals(List.of(), problems, target);
    }

    // ---- the source tree ---------------------------------------------------------------------

    /** Tags live in one place: the base's `images:` list; the manifests name images without tags. */
    @Test
    void imageTagsAreSetOnlyInTheBaseKustomization() throws IOException {
        Path base = Manifests.k8s().resolve("base");
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.walk(base)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("kustomization.yaml")).toList()) {
                Matcher m = Pattern.compile("image:\\s*(ghcr\\.io/llm-gateway/\\S+)").matcher(Files.readString(f));
                while (m.find()) {
                    if (m.group(1).contains(":") || m.group(1).contains("@")) {
                        problems.add(base.relativize(f) + " pins " + m.group(1) + "; set the tag in kustomization.yaml images:");
                    }
                }
            }
        }
        String kustomization = Files.readString(base.resolve("kustomization.yaml"));
        for (String service : SERVICES.keySet()) {
            if (!Pattern.compile("- name: ghcr\\.io/llm-gateway/" + service + "\\s+newTag: [\"']?(?!latest)[A-Za-z0-9_][\\w.-]*")
                    .matcher(kustomization).find()) {
                problems.add("k8s/base/kustomization.yaml images: needs a non-latest newTag for " + service);
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void dockerfileRunsAsNonRootOnAPinnedJre() throws IOException {
        String dockerfile = Files.readString(Manifests.k8s().resolve("Dockerfile.jvm"));
        assertTrue(Pattern.compile("(?m)^FROM eclipse-temurin:17[\\w.-]*-jre").matcher(dockerfile).find(), "JVM base image");
        assertTrue(Pattern.compile("(?m)^ARG SERVICE").matcher(dockerfile).find(), "build arg SERVICE");
        assertTrue(Pattern.compile("(?m)^USER 10001").matcher(dockerfile).find(), "runs as uid 10001 like the pods");
        assertTrue(dockerfile.contains("quarkus-app/"), "copies the Quarkus fast-jar");
    }

    // ---- helpers ---------------------------------------------------------------------------

    record Workload(String id, PodTemplateSpec template) {
    }

    static List<Workload> workloads(String target) {
        Manifests.Rendered r = Manifests.render(target);
        List<Workload> all = new ArrayList<>();
        r.all(Deployment.class).forEach(d -> all.add(new Workload("Deployment " + d.getMetadata().getName(), d.getSpec().getTemplate())));
        r.all(StatefulSet.class).forEach(s -> all.add(new Workload("StatefulSet " + s.getMetadata().getName(), s.getSpec().getTemplate())));
        return all;
    }

    static List<Container> allContainers(PodSpec pod) {
        List<Container> all = new ArrayList<>(list(pod.getInitContainers()));
        all.addAll(list(pod.getContainers()));
        return all;
    }

    static List<Probe> probes(Container c) {
        return Stream.of(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe()).filter(Objects::nonNull).toList();
    }

    static boolean portExists(Container c, IntOrString port) {
        return list(c.getPorts()).stream().anyMatch((ContainerPort p) -> port.getStrVal() != null
                ? port.getStrVal().equals(p.getName())
                : port.getIntVal() != null && port.getIntVal().equals(p.getContainerPort()));
    }

    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels != null
                && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    static boolean selectsPods(NetworkPolicy p, Map<String, String> labels) {
        var sel = p.getSpec().getPodSelector();
        boolean byLabels = mapOf(sel.getMatchLabels()).entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        boolean byExpr = list(sel.getMatchExpressions()).stream().allMatch(e -> switch (e.getOperator()) {
            case "In" -> e.getValues().contains(labels.get(e.getKey()));
            case "NotIn" -> !e.getValues().contains(labels.get(e.getKey()));
            case "Exists" -> labels.containsKey(e.getKey());
            case "DoesNotExist" -> !labels.containsKey(e.getKey());
            default -> false;
        });
        return byLabels && byExpr;
    }

    static boolean allowsPort(NetworkPolicyIngressRule rule, int port) {
        return list(rule.getPorts()).isEmpty() || list(rule.getPorts()).stream()
                .anyMatch(p -> p.getPort() != null && Integer.valueOf(port).equals(p.getPort().getIntVal()));
    }

    static void expectProbe(List<String> problems, String name, Probe probe, String path) {
        if (probe == null || probe.getHttpGet() == null || !path.equals(probe.getHttpGet().getPath())) {
            problems.add(name + ": needs an HTTP probe on " + path);
        }
    }

    /** Variables a container sees: ConfigMap envFrom values, then env (Secret refs shown as "secret:name/key"). */
    static Map<String, String> effectiveEnv(Manifests.Rendered r, Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : list(c.getEnvFrom())) {
            if (from.getConfigMapRef() != null) {
                r.find(ConfigMap.class, from.getConfigMapRef().getName())
                        .ifPresent(cm -> env.putAll(mapOf(cm.getData())));
            }
        }
        for (EnvVar e : list(c.getEnv())) {
            if (e.getValue() != null) {
                env.put(e.getName(), e.getValue());
            } else if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                env.put(e.getName(), "secret:" + e.getValueFrom().getSecretKeyRef().getName() + "/"
                        + e.getValueFrom().getSecretKeyRef().getKey());
            } else {
                env.put(e.getName(), "(from " + e.getValueFrom() + ")");
            }
        }
        return env;
    }

    static Set<String> referencedSecrets(Manifests.Rendered r) {
        Set<String> names = new TreeSet<>();
        for (Workload w : workloads(r.target())) {
            for (Container c : allContainers(w.template().getSpec())) {
                list(c.getEnvFrom()).stream().filter(f -> f.getSecretRef() != null).forEach(f -> names.add(f.getSecretRef().getName()));
                list(c.getEnv()).stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                        .forEach(e -> names.add(e.getValueFrom().getSecretKeyRef().getName()));
            }
            list(w.template().getSpec().getVolumes()).stream().filter(v -> v.getSecret() != null)
                    .forEach(v -> names.add(v.getSecret().getSecretName()));
        }
        r.all(Ingress.class).forEach(i -> list(i.getSpec().getTls()).forEach(t -> names.add(t.getSecretName())));
        return names;
    }

    static long preStopSleepSeconds(Container c) {
        if (c.getLifecycle() == null || c.getLifecycle().getPreStop() == null) {
            return 0;
        }
        var preStop = c.getLifecycle().getPreStop();
        if (preStop.getSleep() != null) {
            return preStop.getSleep().getSeconds();
        }
        List<String> cmd = preStop.getExec() == null ? List.of() : list(preStop.getExec().getCommand());
        return cmd.size() == 2 && cmd.get(0).equals("sleep") ? Long.parseLong(cmd.get(1)) : 0;
    }

    /** Quarkus durations as written in our ConfigMaps: "105s", "2m", or ISO-8601. */
    static long parseSeconds(String value) {
        Matcher m = Pattern.compile("(\\d+)([sm]?)").matcher(value.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return m.group(2).equals("m") ? n * 60 : n;
        }
        return Duration.parse(value).toSeconds();
    }

    static <T> List<T> list(List<T> items) {
        return items == null ? List.of() : items;
    }

    static Map<String, String> mapOf(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    static boolean notEmpty(Map<String, String> map) {
        return map != null && !map.isEmpty();
    }
}
