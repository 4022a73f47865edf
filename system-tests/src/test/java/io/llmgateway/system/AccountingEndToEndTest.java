package io.llmgateway.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.system.support.GatewaySuite;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every token counted once, priced exactly, and charged exactly once: the cost each response
 * reports equals what metering stored for that generation, and the account's credits and the key's
 * usage go down by exactly the sum — through the real usage stream into both consumers.
 */
class AccountingEndToEndTest {

    static final ObjectMapper EXACT = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @Test
    void costsReachMeteringAndCreditsExactly() throws Exception {
        GatewaySuite suite = GatewaySuite.get();
        GatewaySuite.Account account = suite.createAccount("10.00");
        Map<String, BigDecimal> costs = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            boolean stream = i % 2 == 1;
            String body = "{\"model\":\"" + OpenAiJavaSdkTest.MODEL + "\",\"stream\":" + stream
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"request number " + i + "\"}]}";
            HttpResponse<String> response = suite.send("POST", suite.baseUrl() + "/chat/completions",
                    account.inferenceKey(), body);
            assertEquals(200, response.statusCode(), response.body());
            String id = response.headers().firstValue("X-Generation-Id").orElseThrow();
            JsonNode usage = stream ? lastUsage(response.body()) : EXACT.readTree(response.body()).path("usage");
            BigDecimal cost = usage.path("cost").decimalValue();
            assertTrue(cost.signum() > 0, "a priced model costs something: " + usage);
            costs.put(id, cost);
        }
        BigDecimal total = costs.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);

        for (Map.Entry<String, BigDecimal> entry : costs.entrySet()) {
            JsonNode generation = eventually(() -> get(suite, "/generation?id=" + entry.getKey(),
                    account.inferenceKey()), 20_000);
            assertEquals(0, entry.getValue().compareTo(generation.path("data").path("total_cost").decimalValue()),
                    "metering stored the cost the client was told: " + generation);
        }
        JsonNode credits = eventually(() -> {
            JsonNode c = get(suite, "/credits", account.managementKey());
            return c != null && c.path("data").path("total_usage").decimalValue().compareTo(total) == 0 ? c : null;
        }, 20_000);
        assertEquals(0, new BigDecimal("10.00").compareTo(credits.path("data").path("total_credits").decimalValue()));
        JsonNode key = get(suite, "/key", account.inferenceKey());
        assertEquals(0, total.compareTo(key.path("data").path("usage").decimalValue()),
                "key usage equals the sum of costs: " + key);
    }

    private static JsonNode lastUsage(String sse) throws Exception {
        JsonNode usage = null;
        List<String> lines = new ArrayList<>(sse.lines().toList());
        for (String line : lines) {
            if (line.startsWith("data: {")) {
                JsonNode chunk = EXACT.readTree(line.substring(6));
                if (chunk.has("usage") && !chunk.get("usage").isNull()) {
                    usage = chunk.get("usage");
                }
            }
        }
        assertTrue(lines.contains("data: [DONE]"), "stream ends with [DONE]");
        return usage;
    }

    static JsonNode get(GatewaySuite suite, String path, String key) {
        try {
            HttpResponse<String> response = suite.send("GET", suite.baseUrl() + path, key, null);
            return response.statusCode() == 200 ? EXACT.readTree(response.body()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    static <T> T eventually(Supplier<T> probe, long timeoutMs) throws InterruptedException {
        return eventually(probe, timeoutMs, () -> "");
    }

    static <T> T eventually(Supplier<T> probe, long timeoutMs, Supplier<String> diagnosis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("condition not met within " + timeoutMs + " ms " + diagnosis.get());
    }
}
