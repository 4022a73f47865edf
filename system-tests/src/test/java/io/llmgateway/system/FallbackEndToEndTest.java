package io.llmgateway.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.system.support.GatewaySuite;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A model served by several providers keeps answering while all but one of them fail, each in a
 * different way real providers fail; the answer names the provider that actually served it.
 */
class FallbackEndToEndTest {

    static final List<String> CANDIDATES = List.of("meta-llama/llama-3.3-70b-instruct",
            "meta-llama/llama-3.1-8b-instruct", "meta-llama/llama-3.1-70b-instruct", "deepseek/deepseek-r1",
            "deepseek/deepseek-chat", "qwen/qwen-2.5-72b-instruct");

    final GatewaySuite suite = GatewaySuite.get();

    @AfterEach
    void resetSimulator() throws Exception {
        suite.resetSimulator();
    }

    @Test
    void failingProvidersAreInvisibleToClients() throws Exception {
        String model = null;
        for (String candidate : CANDIDATES) {
            JsonNode endpoints = AccountingEndToEndTest.get(suite, "/models/" + candidate + "/endpoints", suite.apiKey());
            if (endpoints != null && endpoints.path("data").path("endpoints").size() >= 3) {
                model = candidate;
                break;
            }
        }
        assertTrue(model != null, "no multi-provider model among " + CANDIDATES);
        Set<String> slugs = providerSlugs(model);
        assertTrue(slugs.size() >= 3, "provider slugs of " + model + ": " + slugs);
        List<String> ordered = new ArrayList<>(slugs).subList(0, Math.min(5, slugs.size()));
        String healthy = ordered.get(ordered.size() - 1);
        String[] faults = {"status:500", "reset", "status:429", "status:503", "status:502"};
        for (int i = 0; i < ordered.size() - 1; i++) {
            suite.simulate(ordered.get(i), "{\"fault\":{\"type\":\"" + faults[i % faults.length] + "\",\"rate\":1.0}}");
        }
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = suite.send("POST", suite.baseUrl() + "/chat/completions", suite.apiKey(),
                    "{\"model\":\"" + model + "\",\"provider\":{\"only\":" + GatewaySuite.JSON.writeValueAsString(ordered)
                            + "},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertEquals(200, response.statusCode(), response.body());
            JsonNode body = GatewaySuite.JSON.readTree(response.body());
            assertEquals(model, body.path("model").asText());
            assertTrue(body.path("choices").get(0).path("message").path("content").asText().length() > 0);
        }
        JsonNode stats = GatewaySuite.JSON.readTree(suite.send("GET",
                suite.simulatorUrl() + "/sim/providers/" + healthy + "/stats", null, null).body());
        assertEquals(10, stats.path("calls").asInt(), "every request ended on the one healthy provider " + healthy);
    }

    /** Provider slugs as the simulator sees them: the routing snapshot's provider of each endpoint. */
    private Set<String> providerSlugs(String model) throws Exception {
        HttpResponse<String> snapshot = suite.send("GET", suite.serviceUrl("catalog-service") + "/internal/snapshot",
                null, null);
        Set<String> slugs = new HashSet<>();
        for (JsonNode m : GatewaySuite.JSON.readTree(snapshot.body()).path("models")) {
            if (m.path("id").asText().equals(model)) {
                m.path("endpoints").forEach(e -> slugs.add(e.path("provider").asText()));
            }
        }
        return slugs;
    }
}
