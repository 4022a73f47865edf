package io.llmgateway.system.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.system.support.GatewaySuite;
import io.llmgateway.system.support.IsolatedSuite;
import io.llmgateway.system.support.PrivateRedis;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Sequential non-streaming chat requests with every outcome recorded, and the checks shared by the fault tests. */
final class ChatLoad {

    static final String MODEL = "openai/gpt-4o-mini";

    /** One request: HTTP status (-1 = no answer), generation id and cost of a 200, body otherwise. */
    /** One request's result; {@code answeredAt} is the {@link System#nanoTime} its answer (or failure) arrived. */
    record Outcome(int index, int status, String generationId, BigDecimal cost, String body, long millis,
            long answeredAt) {
        boolean ok() {
            return status == 200;
        }
    }

    private final IsolatedSuite suite;
    private final String key;
    final List<Outcome> outcomes = new ArrayList<>();

    ChatLoad(IsolatedSuite suite, String key) {
        this.suite = suite;
        this.key = key;
    }

    Outcome send(int i) {
        return send(i, suite.baseUrl());
    }

    /** The same request through the routing replica at {@code baseUrl} (its {@code /api/v1}). */
    Outcome send(int i, String baseUrl) {
        String body = "{\"model\":\"" + MODEL + "\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"reliability request " + i + "\"}]}";
        long started = System.nanoTime();
        Outcome outcome;
        try {
            HttpResponse<String> response = suite.send("POST", baseUrl + "/chat/completions", key, body,
                    Duration.ofSeconds(15));
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (response.statusCode() == 200) {
                JsonNode json = IsolatedSuite.JSON.readTree(response.body());
                String id = response.headers().firstValue("X-Generation-Id").orElse(json.path("id").asText());
                outcome = new Outcome(i, 200, id, json.path("usage").path("cost").decimalValue(), null, ms,
                        System.nanoTime());
            } else {
                outcome = new Outcome(i, response.statusCode(), null, null, response.body(), ms, System.nanoTime());
            }
        } catch (Exception e) {
            outcome = new Outcome(i, -1, null, null, e.toString(), (System.nanoTime() - started) / 1_000_000,
                    System.nanoTime());
        }
        outcomes.add(outcome);
        return outcome;
    }

    List<Outcome> successes() {
        return outcomes.stream().filter(Outcome::ok).toList();
    }

    BigDecimal totalCost() {
        return successes().stream().map(Outcome::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** Statuses in order, compressed: e.g. "200x50 503x12 200x88". */
    String timeline() {
        StringBuilder out = new StringBuilder();
        int last = Integer.MIN_VALUE;
        int run = 0;
        for (Outcome o : outcomes) {
            if (o.status() != last && run > 0) {
                out.append(last).append('x').append(run).append(' ');
                run = 0;
            }
            last = o.status();
            run++;
        }
        if (run > 0) {
            out.append(last).append('x').append(run);
        }
        return out.toString().trim();
    }

    /** Failures that are not the gateway's error envelope {"error":{"code":...,"message":...}}. */
    List<String> nonEnvelopeFailures() {
        List<String> bad = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.ok()) {
                continue;
            }
            if (o.status() < 400) {
                bad.add("#" + o.index() + " status " + o.status() + ": " + abbreviate(o.body()));
                continue;
            }
            try {
                JsonNode error = IsolatedSuite.JSON.readTree(o.body()).path("error");
                if (!error.path("code").isNumber() || error.path("message").asText().isEmpty()) {
                    bad.add("#" + o.index() + " status " + o.status() + ": " + abbreviate(o.body()));
                }
            } catch (Exception e) {
                bad.add("#" + o.index() + " status " + o.status() + " (not JSON): " + abbreviate(o.body()));
            }
        }
        return bad;
    }

    /** Distinct failure bodies with their counts, for the report. */
    String failureSummary() {
        Map<String, Long> counts = outcomes.stream().filter(o -> !o.ok())
                .collect(Collectors.groupingBy(o -> o.status() + " " + abbreviate(o.body()), LinkedHashMap::new,
                        Collectors.counting()));
        return counts.entrySet().stream().map(e -> e.getValue() + " x " + e.getKey())
                .collect(Collectors.joining("\n  ", "  ", ""));
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }

    /**
     * Looks every successful generation up (one shared deadline) through {@code generationUrl + id};
     * returns the ids still not found, and checks the stored cost of those found against the response.
     */
    Map<String, String> unmetered(String generationUrl, String bearer, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        Map<String, String> missing = new LinkedHashMap<>();
        for (Outcome o : successes()) {
            missing.put(o.generationId(), "never found");
        }
        Map<String, BigDecimal> costs = new LinkedHashMap<>();
        successes().forEach(o -> costs.put(o.generationId(), o.cost()));
        Map<String, String> wrongCost = new LinkedHashMap<>();
        while (!missing.isEmpty() && System.currentTimeMillis() < deadline) {
            for (String id : new ArrayList<>(missing.keySet())) {
                JsonNode g = suite.getJson(generationUrl + id, bearer);
                if (g != null) {
                    missing.remove(id);
                    BigDecimal stored = g.path("data").path("total_cost").decimalValue();
                    if (stored.compareTo(costs.get(id)) != 0) {
                        wrongCost.put(id, "response cost " + costs.get(id) + " but metering stored " + stored);
                    }
                }
            }
            if (!missing.isEmpty()) {
                Thread.sleep(500);
            }
        }
        missing.putAll(wrongCost);
        return missing;
    }

    /** GET /credits of the account once its total_usage equals {@code usage}; null if it does not within the time. */
    static JsonNode creditsOnceUsageIs(IsolatedSuite suite, GatewaySuite.Account account, BigDecimal usage,
            long timeoutMs) throws InterruptedException {
        return eventually(() -> {
            JsonNode c = suite.getJson(suite.baseUrl() + "/credits", account.managementKey());
            return c != null && c.path("data").path("total_usage").decimalValue().compareTo(usage) == 0 ? c : null;
        }, timeoutMs);
    }

    /** Every usage event of the run was consumed: none ended on the dead-letter stream. */
    static void assertNothingDeadLettered(PrivateRedis redis, IsolatedSuite suite) throws Exception {
        assertEquals(":0", redis.command("XLEN " + suite.redisPrefix() + "gw:usage:dead"),
                "no usage entry was dead-lettered");
    }

    /** Sums the given metrics over every point of a minute time-series answer (no group_by). */
    static Map<String, BigDecimal> sumSeries(JsonNode answer, String... metrics) {
        Map<String, BigDecimal> sums = new LinkedHashMap<>();
        for (String m : metrics) {
            sums.put(m, BigDecimal.ZERO);
        }
        for (JsonNode series : answer.path("data").path("series")) {
            for (JsonNode point : series.path("points")) {
                for (String m : metrics) {
                    if (point.hasNonNull(m)) {
                        sums.merge(m, point.get(m).decimalValue(), BigDecimal::add);
                    }
                }
            }
        }
        return sums;
    }

    static <T> T eventually(Supplier<T> probe, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        T value = probe.get();
        while (value == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
            value = probe.get();
        }
        return value;
    }
}
