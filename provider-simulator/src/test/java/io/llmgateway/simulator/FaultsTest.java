package io.llmgateway.simulator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every fault type, observed the way a gateway would meet it: on a raw HTTP client. */
@QuarkusTest
class FaultsTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    private static final String STREAM = CHAT + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}";

    @TestHTTPResource("/")
    URL base;

    private static void fault(String provider, String json) {
        given().contentType("application/json").body(json).put("/sim/providers/" + provider).then().statusCode(200);
    }

    private HttpRequest post(String provider, String body, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(base + "p/" + provider + "/v1/chat/completions"))
                .header("content-type", "application/json").timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /**
     * What arrived until the server ended or dropped the stream, whether it ended cleanly, and how long
     * that took from the request.
     */
    private record Received(String text, boolean clean, long millis) {
    }

    /**
     * Sends the request on a plain socket and reads until the server closes, then undoes the chunked
     * framing by hand: this sees exactly what the server wrote, and whether it wrote the final chunk.
     */
    private Received read(String provider, String body) throws Exception {
        long start = System.nanoTime();
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /p/" + provider + "/v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + payload.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(payload);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) > 0;) {
                    raw.write(buf, 0, n);
                }
            } catch (IOException e) {
                // a reset by the peer ends the read like an end of stream
            }
        }
        String response = raw.toString(StandardCharsets.ISO_8859_1); // one char per byte: chunk sizes are bytes
        int headerEnd = response.indexOf("\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        StringBuilder text = new StringBuilder();
        int at = headerEnd + 4;
        while (at < response.length()) {
            int lineEnd = response.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(response.substring(at, lineEnd).trim(), 16);
            if (size == 0) {
                return new Received(text.toString(), true, (System.nanoTime() - start) / 1_000_000);
            }
            text.append(response, lineEnd + 2, Math.min(response.length(), lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
        }
        return new Received(text.toString(), false, (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void statusFaultsUseTheProviderErrorShapeAndRetryAfter() {
        fault("f-429", "{\"fault\":{\"type\":\"status:429\"}}");
        given().contentType("application/json").body(CHAT + "}").post("/p/f-429/v1/chat/completions").then()
                .statusCode(429).header("Retry-After", "1").body("error.type", equalTo("rate_limit_error"));
        fault("f-ctx", "{\"fault\":{\"type\":\"status:400:context_length_exceeded\"}}");
        given().contentType("application/json").body(CHAT + "}").post("/p/f-ctx/v1/chat/completions").then()
                .statusCode(400).header("Retry-After", nullValue())
                .body("error.code", equalTo("context_length_exceeded"))
                .body("error.type", equalTo("invalid_request_error"));
        fault("f-pol", "{\"fault\":{\"type\":\"status:400:content_policy_violation\"}}");
        given().contentType("application/json").body(CHAT + "}").post("/p/f-pol/v1/chat/completions").then()
                .statusCode(400).body("error.code", equalTo("content_policy_violation"));
    }

    @Test
    void resetClosesTheConnectionBeforeAnyHeader() {
        fault("f-reset", "{\"fault\":{\"type\":\"reset\"}}");
        IOException e = assertThrows(IOException.class,
                () -> HTTP.send(post("f-reset", CHAT + "}", Duration.ofSeconds(10)), HttpResponse.BodyHandlers.ofString()));
        assertFalse(e instanceof HttpTimeoutException, "a reset must not look like a timeout: " + e);
        given().get("/sim/providers/f-reset/stats").then().body("faulted", equalTo(1))
                .body("requests[0].fault", equalTo("reset")).body("requests[0].status", nullValue());
    }

    @Test
    void hangNeverAnswers() {
        fault("f-hang", "{\"fault\":{\"type\":\"hang\"}}");
        assertThrows(HttpTimeoutException.class, () -> HTTP.send(post("f-hang", CHAT + "}", Duration.ofMillis(300)),
                HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void slowFirstTokenDelaysTheAnswer() throws Exception {
        fault("f-slow", "{\"fault\":{\"type\":\"slow-first-token:300\"}}");
        Received r = read("f-slow", STREAM);
        assertTrue(r.millis() >= 300, r.millis() + " ms");
        assertTrue(r.clean() && r.text().endsWith("data: [DONE]\n\n"));
    }

    @Test
    void cutAfterDropsTheStreamAfterNEvents() throws Exception {
        fault("f-cut", "{\"fault\":{\"type\":\"cut-after:3\"}}");
        Received r = read("f-cut", STREAM);
        assertFalse(r.clean(), "a cut stream must end in a transport error");
        assertEquals(3, Sse.parse(r.text()).size());
        assertFalse(r.text().contains("[DONE]"));
    }

    @Test
    void stallAfterGoesSilentThenCloses() throws Exception {
        fault("f-stall", "{\"fault\":{\"type\":\"stall-after:2:300\"}}");
        Received r = read("f-stall", STREAM);
        assertTrue(r.millis() >= 300, r.millis() + " ms");
        assertFalse(r.clean());
        assertEquals(2, Sse.parse(r.text()).size());
    }

    @Test
    void malformedAtBreaksExactlyOneEvent() throws Exception {
        fault("f-mal", "{\"fault\":{\"type\":\"malformed-at:2\"}}");
        Received r = read("f-mal", STREAM);
        assertTrue(r.clean());
        List<Sse.Event> events = Sse.parse(r.text());
        assertEquals("[DONE]", events.get(events.size() - 1).data());
        for (int i = 0; i < events.size() - 1; i++) {
            Sse.Event e = events.get(i);
            if (i == 1) {
                assertThrows(DecodeException.class, e::json);
            } else {
                assertNotNull(e.json());
            }
        }
    }

    @Test
    void noDoneLeavesOutTheEndMarker() throws Exception {
        fault("f-nodone", "{\"fault\":{\"type\":\"no-done\"}}");
        Received r = read("f-nodone", STREAM);
        assertTrue(r.clean());
        assertFalse(r.text().contains("[DONE]"));
        assertTrue(r.text().contains("\"usage\""));
        fault("f-nodone-an", "{\"fault\":{\"type\":\"no-done\"}}");
        String body = given().contentType("application/json").body("{\"model\":\"c\",\"max_tokens\":64,\"stream\":true,\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"hi\"}]}").post("/p/f-nodone-an/v1/messages").then().statusCode(200)
                .extract().asString();
        assertFalse(body.contains("message_stop"));
        assertTrue(body.contains("message_delta"));
    }

    @Test
    void rateZeroNeverFaults() {
        fault("f-rate", "{\"fault\":{\"type\":\"status:500\",\"rate\":0}}");
        for (int i = 0; i < 5; i++) {
            given().contentType("application/json").body(CHAT + "}").post("/p/f-rate/v1/chat/completions").then()
                    .statusCode(200);
        }
        given().get("/sim/providers/f-rate/stats").then().body("calls", equalTo(5)).body("faulted", equalTo(0));
    }

    @Test
    void forMsFaultExpiresByItself() throws Exception {
        // long enough that a stalled machine still sends the first call inside it
        fault("f-flap", "{\"fault\":{\"type\":\"status:503\",\"for_ms\":1500}}");
        given().contentType("application/json").body(CHAT + "}").post("/p/f-flap/v1/chat/completions").then()
                .statusCode(503);
        int status = 503;
        for (int i = 0; i < 100 && status == 503; i++) {
            Thread.sleep(50);
            status = given().contentType("application/json").body(CHAT + "}").post("/p/f-flap/v1/chat/completions")
                    .then().extract().statusCode();
        }
        assertEquals(200, status);
    }

    @Test
    void tokensPerSecondPacesTheStream() throws Exception {
        fault("f-tps", "{\"tokens_per_second\":100,\"output_tokens\":11}");
        Received r = read("f-tps", STREAM);
        // 11 tokens at 100/s: the last token is due 100 ms after the first.
        assertTrue(r.millis() >= 100, r.millis() + " ms");
        assertTrue(r.clean());
    }

    @Test
    void omitUsageLeavesUsageOut() throws Exception {
        fault("f-omit", "{\"omit_usage\":true}");
        given().contentType("application/json").body(CHAT + "}").post("/p/f-omit/v1/chat/completions").then()
                .statusCode(200).body("usage", nullValue());
        Received r = read("f-omit", STREAM);
        assertFalse(r.text().contains("\"usage\""));
    }

    @Test
    void nonStreamCutIsAPrematureEndOfBody() {
        fault("f-cut-json", "{\"fault\":{\"type\":\"cut-after:1\"}}");
        Exception e = assertThrows(IOException.class, () -> HTTP.send(post("f-cut-json", CHAT + "}",
                Duration.ofSeconds(10)), HttpResponse.BodyHandlers.ofString()));
        assertInstanceOf(IOException.class, e);
        fault("f-mal-json", "{\"fault\":{\"type\":\"malformed-at:1\"}}");
        String body = given().contentType("application/json").body(CHAT + "}").post("/p/f-mal-json/v1/chat/completions")
                .then().statusCode(200).extract().asString();
        assertThrows(DecodeException.class, () -> new JsonObject(body));
    }
}
