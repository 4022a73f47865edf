package io.llmgateway.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.system.support.GatewaySuite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and hostile requests on every public endpoint, through the one public base URL: each is
 * answered with a 4xx in the OpenRouter error envelope, never a 5xx, never a stack trace.
 */
class BadInputTest {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    static final String CHAT = "/chat/completions";
    static final String MODEL = OpenAiJavaSdkTest.MODEL;

    /** Which key a case presents. */
    enum Who { NONE, INFERENCE, MANAGEMENT, BOGUS }

    record Case(String name, String method, String path, Who who, byte[] body, int expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case chat(String name, String body, int expected) {
        return new Case(name, "POST", CHAT, Who.INFERENCE, body.getBytes(), expected);
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        cases.add(chat("broken JSON", "{\"model\":", 400));
        cases.add(chat("not an object", "[1,2,3]", 400));
        cases.add(chat("empty body", "", 400));
        cases.add(chat("model of wrong type", "{\"model\":5," + msgs + "}", 400));
        cases.add(chat("messages of wrong type", "{\"model\":\"" + MODEL + "\",\"messages\":\"hi\"}", 400));
        cases.add(chat("missing messages", "{\"model\":\"" + MODEL + "\"}", 400));
        cases.add(chat("empty messages", "{\"model\":\"" + MODEL + "\",\"messages\":[]}", 400));
        cases.add(chat("unknown role", "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}", 400));
        cases.add(chat("unknown model", "{\"model\":\"nobody/no-such-model\"," + msgs + "}", 404));
        cases.add(chat("empty models list", "{\"models\":[]," + msgs + "}", 400));
        cases.add(chat("negative max_tokens", "{\"model\":\"" + MODEL + "\",\"max_tokens\":-5," + msgs + "}", 400));
        cases.add(chat("temperature of wrong type", "{\"model\":\"" + MODEL + "\",\"temperature\":\"hot\"," + msgs + "}", 400));
        cases.add(chat("unknown provider preference", "{\"model\":\"" + MODEL + "\",\"provider\":{\"fastest\":true}," + msgs + "}", 400));
        cases.add(chat("provider order of wrong type", "{\"model\":\"" + MODEL + "\",\"provider\":{\"order\":\"openai\"}," + msgs + "}", 400));
        cases.add(chat("deep nesting", "{\"model\":\"" + MODEL + "\"," + msgs + ",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}", 400));
        cases.add(chat("JSON injection in model", "{\"model\":\"x\\\",\\\"admin\\\":true\"," + msgs + "}", 404));
        cases.add(new Case("invalid UTF-8", "POST", CHAT, Who.INFERENCE,
                concat("{\"model\":\"".getBytes(), new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}, "\"}".getBytes()), 400));
        cases.add(new Case("oversize body", "POST", CHAT, Who.INFERENCE,
                ("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "a".repeat(6 * 1024 * 1024)
                        + "\"}]}").getBytes(), 413));
        cases.add(new Case("no key", "POST", CHAT, Who.NONE, ("{\"model\":\"" + MODEL + "\"," + msgs + "}").getBytes(), 401));
        cases.add(new Case("unknown key", "POST", CHAT, Who.BOGUS, ("{\"model\":\"" + MODEL + "\"," + msgs + "}").getBytes(), 401));
        cases.add(new Case("management key for inference", "POST", CHAT, Who.MANAGEMENT,
                ("{\"model\":\"" + MODEL + "\"," + msgs + "}").getBytes(), 403));
        cases.add(new Case("legacy completions without prompt", "POST", "/completions", Who.INFERENCE,
                ("{\"model\":\"" + MODEL + "\"}").getBytes(), 400));
        cases.add(new Case("unknown model endpoints", "GET", "/models/nobody/nothing/endpoints", Who.NONE, null, 404));
        cases.add(new Case("path traversal in model id", "GET", "/models/..%2F..%2Fetc/passwd/endpoints", Who.NONE, null, 404));
        cases.add(new Case("key info without key", "GET", "/key", Who.NONE, null, 401));
        cases.add(new Case("keys with inference key", "GET", "/keys", Who.INFERENCE, null, 403));
        cases.add(new Case("unknown key hash", "GET", "/keys/" + "0".repeat(64), Who.MANAGEMENT, null, 404));
        cases.add(new Case("SQL injection in key hash", "GET", "/keys/'%20OR%20'1'='1", Who.MANAGEMENT, null, 404));
        cases.add(new Case("create key with negative limit", "POST", "/keys", Who.MANAGEMENT,
                "{\"name\":\"x\",\"limit\":-1}".getBytes(), 400));
        cases.add(new Case("create key expiring in the past", "POST", "/keys", Who.MANAGEMENT,
                "{\"name\":\"x\",\"expires_at\":\"2001-01-01T00:00:00Z\"}".getBytes(), 400));
        cases.add(new Case("create key with unknown field", "POST", "/keys", Who.MANAGEMENT,
                "{\"name\":\"x\",\"superuser\":true}".getBytes(), 400));
        cases.add(new Case("create key with broken JSON", "POST", "/keys", Who.MANAGEMENT, "{\"name\":".getBytes(), 400));
        cases.add(new Case("patch unknown key", "PATCH", "/keys/" + "f".repeat(64), Who.MANAGEMENT,
                "{\"disabled\":true}".getBytes(), 404));
        cases.add(new Case("credits without key", "GET", "/credits", Who.NONE, null, 401));
        cases.add(new Case("generation without id", "GET", "/generation", Who.INFERENCE, null, 400));
        cases.add(new Case("unknown generation", "GET", "/generation?id=gen-1-xxxxxxxxxxxxxxxxxxxx", Who.INFERENCE, null, 404));
        cases.add(new Case("SQL injection in generation id", "GET", "/generation?id=%27%20OR%201%3D1%20--", Who.INFERENCE, null, 404));
        cases.add(new Case("activity with a bad date", "GET", "/activity?date=yesterday", Who.MANAGEMENT, null, 400));
        cases.add(new Case("activity without key", "GET", "/activity", Who.NONE, null, 401));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answeredWithEnvelope(Case c) throws Exception {
        GatewaySuite suite = GatewaySuite.get();
        Function<Who, String> key = who -> switch (who) {
            case NONE -> null;
            case INFERENCE -> suite.apiKey();
            case MANAGEMENT -> suite.managementKey();
            case BOGUS -> "sk-gw-v1-" + "0".repeat(64);
        };
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(suite.baseUrl() + c.path()))
                .timeout(Duration.ofSeconds(30))
                .method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(c.body()));
        if (c.body() != null) {
            request.header("Content-Type", "application/json");
        }
        String bearer = key.apply(c.who());
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String body = response.body();
        assertEquals(c.expected(), response.statusCode(), c.name() + " -> " + body);
        JsonNode error = GatewaySuite.JSON.readTree(body).path("error");
        assertEquals(c.expected(), error.path("code").asInt(), "envelope code: " + body);
        assertFalse(error.path("message").asText().isBlank(), "envelope message: " + body);
        assertFalse(body.contains("Exception") || body.contains("\tat ") || body.contains("sk-gw-v1-"),
                "no stack trace, no key material: " + body);
        assertTrue(body.length() < 4096, "short answer");
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }
}
