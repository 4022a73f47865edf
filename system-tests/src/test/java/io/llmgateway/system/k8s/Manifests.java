package io.llmgateway.system.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The k8s/ tree rendered by {@code kubectl kustomize}, exactly as {@code kubectl apply -k} would
 * send it, and parsed into typed fabric8 model objects. Each target is rendered once per test JVM.
 */
final class Manifests {

    /** Kustomize targets under k8s/: the base and every overlay directory. */
    static final String BASE = "base";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

    private Manifests() {
    }

    static Path repoRoot() {
        String configured = System.getProperty("gateway.repo.root");
        if (configured != null && !configured.isBlank() && Files.isDirectory(Paths.get(configured, "k8s"))) {
            return Paths.get(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("k8s/base/kustomization.yaml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("repository root not found: set -Dgateway.repo.root or run below the repo");
    }

    static Path k8s() {
        return repoRoot().resolve("k8s");
    }

    /** "base" and "overlays/<name>" for every overlay directory holding a kustomization.yaml. */
    static List<String> targets() {
        List<String> targets = new ArrayList<>(List.of(BASE));
        try (Stream<Path> dirs = Files.list(k8s().resolve("overlays"))) {
            dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                    .map(d -> "overlays/" + d.getFileName())
                    .sorted()
                    .forEach(targets::add);
        } catch (IOException e) {
            throw new IllegalStateException("cannot list k8s/overlays", e);
        }
        return targets;
    }

    static List<String> overlays() {
        return targets().stream().filter(t -> !t.equals(BASE)).toList();
    }

    static Rendered render(String target) {
        return CACHE.computeIfAbsent(target, Manifests::doRender);
    }

    private static Rendered doRender(String target) {
        String yaml = kustomize(k8s().resolve(target));
        List<JsonNode> documents = new ArrayList<>();
        try {
            YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).forEachRemaining(doc -> {
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    documents.add(doc);
                }
            });
        } catch (IOException e) {
            throw new AssertionError(target + ": kustomize output is not valid YAML: " + e.getMessage(), e);
        }
        List<HasMetadata> objects = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode doc : documents) {
            try {
                objects.add(StrictModel.parse(doc));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        return new Rendered(target, yaml, documents, objects, problems);
    }

    /** Runs {@code kubectl kustomize dir}; fails with a message saying what is missing. */
    static String kustomize(Path dir) {
        Process process;
        try {
            process = new ProcessBuilder("kubectl", "kustomize", dir.toString()).start();
        } catch (IOException e) {
            throw new AssertionError("kubectl is not installed or not on PATH (" + e.getMessage()
                    + "): the Kubernetes manifest checks render k8s/ with `kubectl kustomize`. "
                    + "Install kubectl >= 1.27 (it bundles kustomize).", e);
        }
        try {
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("kubectl kustomize " + dir + " did not finish within 120 s");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + dir + " failed (exit " + process.exitValue() + "):\n"
                        + err.join());
            }
            return out.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while rendering " + dir, e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** One rendered target: raw documents, the typed objects, and whatever failed strict parsing. */
    record Rendered(String target, String yaml, List<JsonNode> documents, List<HasMetadata> objects,
            List<String> problems) {

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
            return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
        }
    }

    /** A JSON mapper for the fabric8 classes with Jackson's lenient conversions switched off. */
    static ObjectMapper strictMapper() {
        return JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
    }
}
