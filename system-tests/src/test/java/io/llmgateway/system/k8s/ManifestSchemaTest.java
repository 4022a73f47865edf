package io.llmgateway.system.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kustomize target renders, and every object it renders is valid against the model schema. */
class ManifestSchemaTest {

    static List<String> targets() {
        return Manifests.targets();
    }

    @Test
    void devAndProdOverlaysExist() {
        assertTrue(Manifests.overlays().containsAll(List.of("overlays/dev", "overlays/prod")),
                "expected k8s/overlays/dev and k8s/overlays/prod, found " + Manifests.overlays());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void rendersAndEveryObjectParsesStrictly(String target) {
        Manifests.Rendered rendered = Manifests.render(target);
        assertFalse(rendered.documents().isEmpty(), target + " rendered nothing");
        assertEquals(List.of(), rendered.problems(), target + ": objects failing schema validation");
        assertEquals(rendered.documents().size(), rendered.objects().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void objectNamesAreUniquePerKind(String target) {
        List<String> ids = Manifests.render(target).objects().stream()
                .map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
        assertEquals(ids.stream().distinct().count(), ids.size(), target + ": duplicate objects in " + ids);
    }

    /** The validator itself must catch what a typo in a manifest looks like. */
    @Test
    void validatorRejectsUnknownFieldsWrongTypesAndBadQuantities() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode typo = yaml.readTree("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: x
                          image: x:1
                          readinessProbes: {}
                """);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StrictModel.parse(typo));
        assertTrue(e.getMessage().contains("readinessProbes"), e.getMessage());

        JsonNode wrongType = yaml.readTree("""
                apiVersion: v1
                kind: Service
                metadata: {name: x}
                spec: {ports: [{port: "eighty"}]}
                """);
        assertThrows(IllegalArgumentException.class, () -> StrictModel.parse(wrongType));

        JsonNode badQuantity = yaml.readTree("""
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: x}
                spec: {resources: {requests: {storage: lots}}}
                """);
        assertThrows(IllegalArgumentException.class, () -> StrictModel.parse(badQuantity));

        JsonNode beta = yaml.readTree("""
                apiVersion: autoscaling/v2beta2
                kind: HorizontalPodAutoscaler
                metadata: {name: x}
                """);
        assertThrows(IllegalArgumentException.class, () -> StrictModel.parse(beta));
    }
}
