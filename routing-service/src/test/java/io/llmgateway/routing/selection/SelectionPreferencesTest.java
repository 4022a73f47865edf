package io.llmgateway.routing.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.internal.CatalogSnapshot;
import io.llmgateway.contracts.internal.Pricing;
import io.llmgateway.routing.ingress.chat.ChatRequestParser;
import io.llmgateway.routing.upstream.EndpointGuards;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 22's provider preferences: {@code zdr}, {@code max_price.request} / {@code image},
 * {@code sort.partition}, {@code preferred_max_latency} / {@code preferred_min_throughput}, middle-out's
 * context rule, and the suffixes the gateway refuses.
 */
class SelectionPreferencesTest {

    final CatalogCache catalog = new CatalogCache(null, null, null, null, null);
    final Selector selector = new Selector(catalog, new EndpointGuards(null, null, null, null));
    final ChatRequestParser parser = new ChatRequestParser();

    SelectionPreferencesTest() {
        List<CatalogSnapshot.Provider> providers = List.of(
                new CatalogSnapshot.Provider("zdr", "Zdr", "openai", "http://x", null, false, false, "active", true),
                new CatalogSnapshot.Provider("keeps", "Keeps", "openai", "http://x", null, false, false, "active"),
                new CatalogSnapshot.Provider("slow", "Slow", "openai", "http://x", null, false, false, "active"));
        // model a: a cheap slow endpoint with a per-request fee, a dear fast zero-retention one
        CatalogSnapshot.Endpoint aKeeps = endpoint("a-keeps", "keeps", "0.000001", "0.01", null, 4000, 3000.0, 20.0);
        CatalogSnapshot.Endpoint aZdr = endpoint("a-zdr", "zdr", "0.000003", null, "0.002", 100000, 400.0, 120.0);
        CatalogSnapshot.Endpoint aSlow = endpoint("a-slow", "slow", "0.000002", null, null, 100000, null, null);
        // model b: cheaper than all of a
        CatalogSnapshot.Endpoint bKeeps = endpoint("b-keeps", "keeps", "0.0000005", null, null, 100000, 250.0, 90.0);
        catalog.install(new CatalogSnapshot(1, providers, List.of(
                new CatalogSnapshot.Model("v/a", "A", 100000, null, null, null, List.of(aKeeps, aZdr, aSlow)),
                new CatalogSnapshot.Model("v/b", "B", 100000, null, null, null, List.of(bKeeps)))));
    }

    static CatalogSnapshot.Endpoint endpoint(String id, String provider, String price, String request, String image,
            int ctx, Double latencyMs, Double tps) {
        BigDecimal p = new BigDecimal(price);
        return new CatalogSnapshot.Endpoint(id, provider, provider + "-m", ctx, null, null,
                new Pricing(p, p, request == null ? null : new BigDecimal(request),
                        image == null ? null : new BigDecimal(image), null, null, null),
                null, true, 99.0, latencyMs, tps);
    }

    List<String> order(String extra) {
        return order("v/a", extra, "\"hi\"");
    }

    List<String> order(String model, String extra, String content) {
        String json = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":" + content + "}]"
                + extra + "}";
        return selector.candidates(parser.canonical(ChatRequestParser.readObject(Buffer.buffer(json)))).stream()
                .map(Candidate::endpointId).toList();
    }

    @Test
    void zdrKeepsOnlyZeroRetentionProviders() {
        assertEquals(List.of("a-zdr"), order(",\"provider\":{\"zdr\":true}"));
        assertEquals(3, order(",\"provider\":{\"zdr\":false}").size());
        GatewayException none = assertThrows(GatewayException.class,
                () -> order("v/b", ",\"provider\":{\"zdr\":true}", "\"hi\""));
        assertEquals(404, none.status());
    }

    @Test
    void maxPricePerRequestAndPerImage() {
        // request and image prices are USD per unit, not per million
        assertEquals(List.of("a-slow", "a-zdr"), order(",\"provider\":{\"max_price\":{\"request\":0.005},\"sort\":\"price\"}"));
        assertEquals(List.of("a-keeps", "a-slow"), order(",\"provider\":{\"max_price\":{\"image\":\"0.001\"},\"sort\":\"price\"}"));
        assertEquals(List.of("a-slow"), order(",\"provider\":{\"max_price\":{\"image\":0.001,\"request\":0},\"sort\":\"price\"}"));
    }

    @Test
    void sortPartitionModelKeepsModelOrderNoneSortsAcrossModels() {
        String models = ",\"models\":[\"v/b\"]";
        assertEquals(List.of("a-keeps", "a-slow", "a-zdr", "b-keeps"),
                order(models + ",\"provider\":{\"sort\":{\"by\":\"price\",\"partition\":\"model\"}}"));
        assertEquals(List.of("a-keeps", "a-slow", "a-zdr", "b-keeps"), order(models + ",\"provider\":{\"sort\":\"price\"}"));
        assertEquals(List.of("b-keeps", "a-keeps", "a-slow", "a-zdr"),
                order(models + ",\"provider\":{\"sort\":{\"by\":\"price\",\"partition\":\"none\"}}"));
        assertEquals(List.of("a-zdr", "b-keeps", "a-keeps", "a-slow"),
                order(models + ",\"provider\":{\"sort\":{\"by\":\"throughput\",\"partition\":\"none\"}}"));
        // the deprecated top-level route: "sort" is partition none, "fallback" partition model
        assertEquals(List.of("b-keeps", "a-keeps", "a-slow", "a-zdr"),
                order(models + ",\"route\":\"sort\",\"provider\":{\"sort\":\"price\"}"));
        assertEquals(List.of("b-keeps"),
                order(models + ",\"provider\":{\"allow_fallbacks\":false,\"sort\":{\"by\":\"price\",\"partition\":\"none\"}}"));
    }

    @Test
    void preferredLatencyAndThroughputPutWhatMeetsThemFirstThenTheRest() {
        // latency in seconds against the p50 time to first token in ms; unmeasured endpoints never meet a cutoff
        assertEquals(List.of("a-zdr", "a-keeps", "a-slow"),
                order(",\"provider\":{\"sort\":\"price\",\"preferred_max_latency\":1}"));
        assertEquals(List.of("a-zdr", "a-keeps", "a-slow"),
                order(",\"provider\":{\"sort\":\"price\",\"preferred_max_latency\":{\"p50\":0.5}}"));
        assertEquals(List.of("a-zdr", "a-keeps", "a-slow"),
                order(",\"provider\":{\"sort\":\"price\",\"preferred_min_throughput\":100}"));
        // across models: the fallback model's endpoint that meets the cutoff goes before the primary's that do not
        assertEquals(List.of("a-zdr", "b-keeps", "a-keeps", "a-slow"),
                order(",\"models\":[\"v/b\"],\"provider\":{\"sort\":\"price\",\"preferred_min_throughput\":50}"));
        // nothing meets it: the order is unchanged
        assertEquals(List.of("a-keeps", "a-slow", "a-zdr"),
                order(",\"provider\":{\"sort\":\"price\",\"preferred_min_throughput\":10000}"));
    }

    @Test
    void middleOutKeepsEndpointsThePromptMustBeCompressedFor() {
        String longText = "\"" + "word ".repeat(6000) + "\""; // ~7,500 tokens: more than a-keeps' 4,000
        assertEquals(List.of("a-slow", "a-zdr"), order("v/a", ",\"provider\":{\"sort\":\"price\"}", longText));
        assertEquals(List.of("a-slow", "a-zdr", "a-keeps"),
                order("v/a", ",\"transforms\":[\"middle-out\"],\"provider\":{\"sort\":\"price\"}", longText));
        assertEquals(List.of("a-slow", "a-zdr", "a-keeps"), order("v/a",
                ",\"plugins\":[{\"id\":\"context-compression\"}],\"provider\":{\"sort\":\"price\"}", longText));
    }

    @Test
    void onlineAndExactoSuffixesAreRefusedNotRoutedAsThePlainModel() {
        for (String suffix : List.of(":online", ":exacto")) {
            GatewayException e = assertThrows(GatewayException.class, () -> order("v/a" + suffix, "", "\"hi\""));
            assertEquals(400, e.status());
            assertEquals("model", e.metadata().get("field"));
        }
        assertEquals(404, assertThrows(GatewayException.class, () -> order("v/nothing:online", "", "\"hi\"")).status());
    }
}
