package io.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.internal.CatalogSnapshot;
import io.llmgateway.contracts.internal.Pricing;
import io.llmgateway.routing.ingress.chat.ChatRequestParser;
import io.llmgateway.routing.selection.Candidate;
import io.llmgateway.routing.selection.CatalogCache;
import io.llmgateway.routing.selection.Selector;
import io.llmgateway.routing.upstream.EndpointGuards;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Provider preferences, variants, capabilities and the default price-weighted order. */
class SelectorTest {

    final CatalogCache catalog = new CatalogCache(null, null, null, null, null);
    final EndpointGuards health = new EndpointGuards(null, null, null, null);
    final Selector selector = new Selector(catalog, health);
    final ChatRequestParser parser = new ChatRequestParser();

    SelectorTest() {
        List<CatalogSnapshot.Provider> providers = List.of(
                new CatalogSnapshot.Provider("cheap", "Cheap", "openai", "http://x", null, true, false, "active"),
                new CatalogSnapshot.Provider("mid", "Mid", "anthropic", "http://x", null, false, false, "active"),
                new CatalogSnapshot.Provider("fast", "Fast", "gemini", "http://x", null, false, false, "active"),
                new CatalogSnapshot.Provider("free", "Free", "openai", "http://x", null, false, false, "active"));
        List<CatalogSnapshot.Endpoint> endpoints = List.of(
                endpoint("e-cheap", "cheap", "0.000001", 8000, "fp8", List.of("temperature"), 50.0, 900.0),
                endpoint("e-mid", "mid", "0.000002", 200000, "bf16", List.of("tools", "temperature", "response_format"), 80.0,
                        300.0),
                endpoint("e-fast", "fast", "0.000004", 200000, "bf16", List.of("tools", "temperature"), 300.0, 200.0),
                endpoint("e-free", "free", "0", 8000, "fp8", List.of("temperature"), 10.0, 2000.0));
        catalog.install(new CatalogSnapshot(1, providers, List.of(
                new CatalogSnapshot.Model("vendor/m", "M", 200000, null, null, null, endpoints),
                new CatalogSnapshot.Model("vendor/other", "O", 200000, null, null, null, List.of(endpoints.get(1))))));
    }

    static CatalogSnapshot.Endpoint endpoint(String id, String provider, String price, int ctx, String quant,
            List<String> params, Double tps, Double latency) {
        BigDecimal p = new BigDecimal(price);
        return new CatalogSnapshot.Endpoint(id, provider, provider + "-m", ctx, null, quant,
                new Pricing(p, p, null, null, null, null, null), params, true, 99.0, latency, tps);
    }

    List<String> order(String json) {
        return selector.candidates(parser.canonical(ChatRequestParser.readObject(Buffer.buffer(json)))).stream().map(Candidate::endpointId)
                .collect(Collectors.toList());
    }

    static String req(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}";
    }

    @Test
    void sortAndVariants() {
        assertEquals(List.of("e-free", "e-cheap", "e-mid", "e-fast"), order(req("vendor/m", ",\"provider\":{\"sort\":\"price\"}")));
        assertEquals(List.of("e-fast", "e-mid", "e-cheap", "e-free"),
                order(req("vendor/m", ",\"provider\":{\"sort\":\"throughput\"}")));
        assertEquals(List.of("e-fast", "e-mid", "e-cheap", "e-free"), order(req("vendor/m", ",\"provider\":{\"sort\":\"latency\"}")));
        assertEquals("e-fast", order(req("vendor/m:nitro", "")).get(0));
        assertEquals("e-free", order(req("vendor/m:floor", "")).get(0));
        assertEquals(List.of("e-free"), order(req("vendor/m:free", "")));
    }

    @Test
    void onlyIgnoreOrderAndFallbacks() {
        assertEquals(List.of("e-mid"), order(req("vendor/m", ",\"provider\":{\"only\":[\"mid\"]}")));
        assertTrue(!order(req("vendor/m", ",\"provider\":{\"ignore\":[\"cheap\",\"free\"]}")).contains("e-cheap"));
        List<String> ordered = order(req("vendor/m", ",\"provider\":{\"order\":[\"fast\",\"mid\"]}"));
        assertEquals(List.of("e-fast", "e-mid"), ordered.subList(0, 2));
        assertEquals(4, ordered.size());
        assertEquals(List.of("e-fast", "e-mid"),
                order(req("vendor/m", ",\"provider\":{\"order\":[\"fast\",\"mid\"],\"allow_fallbacks\":false}")));
        assertEquals(List.of("e-free", "e-cheap", "e-mid", "e-fast", "e-mid"),
                order(req("vendor/m", ",\"models\":[\"vendor/other\"],\"provider\":{\"sort\":\"price\"}")));
    }

    @Test
    void filtersByDataPolicyQuantisationPriceAndCapabilities() {
        assertTrue(!order(req("vendor/m", ",\"provider\":{\"data_collection\":\"deny\"}")).contains("e-cheap"));
        assertEquals(List.of("e-cheap", "e-free"),
                order(req("vendor/m", ",\"provider\":{\"quantizations\":[\"fp8\"],\"sort\":\"throughput\"}")));
        // max_price is per million tokens: 1.5 USD/M keeps free and cheap (1 USD/M)
        assertEquals(List.of("e-free", "e-cheap"),
                order(req("vendor/m", ",\"provider\":{\"max_price\":{\"prompt\":1.5},\"sort\":\"price\"}")));
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"provider\":{\"sort\":\"price\"}";
        assertEquals(List.of("e-mid", "e-fast"), order(req("vendor/m", tools)));
        assertEquals(List.of("e-mid"), order(req("vendor/m",
                ",\"response_format\":{\"type\":\"json_object\"},\"provider\":{\"require_parameters\":true}")));
        String longPrompt = "{\"model\":\"vendor/m\",\"provider\":{\"sort\":\"price\"},\"messages\":[{\"role\":\"user\",\"content\":\""
                + "word ".repeat(10000) + "\"}]}";
        assertEquals(List.of("e-mid", "e-fast"), order(longPrompt));
        GatewayException e = assertThrows(GatewayException.class, () -> order(req("vendor/m", ",\"provider\":{\"only\":[\"nobody\"]}")));
        assertEquals(404, e.status());
        assertEquals(404, assertThrows(GatewayException.class, () -> order(req("nobody/x", ""))).status());
    }

    @Test
    void defaultOrderFavoursLowPriceByInverseSquareAndSkipsOpenCircuits() {
        int cheapFirst = 0;
        String body = req("vendor/m", ",\"provider\":{\"only\":[\"cheap\",\"mid\"]}");
        for (int i = 0; i < 2000; i++) {
            if (order(body).get(0).equals("e-cheap")) {
                cheapFirst++;
            }
        }
        // price 1 vs 2 per token: weights 1 : 1/4, so the cheap one leads 80 % of the time
        assertTrue(cheapFirst > 1450 && cheapFirst < 1750, "cheap first " + cheapFirst + " of 2000");
        health.states().put("e-cheap", CircuitBreakerState.OPEN);
        for (int i = 0; i < 50; i++) {
            assertEquals(List.of("e-mid", "e-cheap"), order(body));
        }
    }
}
