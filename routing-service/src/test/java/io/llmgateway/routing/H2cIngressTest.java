package io.llmgateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients may speak HTTP/2 cleartext with prior knowledge (h2c), which is how one client connection
 * carries many streams (bench/streams.sh opens tens of thousands of streams over a few hundred
 * connections): the SSE stream still arrives event by event, and a client that resets its stream
 * cuts only that stream, not the connection the others share.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
@WithTestResource(StubUpstream.class)
class H2cIngressTest extends GatewayTest {

    @Inject
    Vertx vertx;

    HttpClient client;

    @BeforeEach
    void setUp() {
        // one connection: every stream of the test shares it
        client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false), new PoolOptions().setHttp2MaxSize(1));
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private static String chat(String content) {
        return "{\"model\":\"test/model\",\"stream\":true,\"provider\":{\"order\":[\"alpha\"],\"allow_fallbacks\":false},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }

    private static RequestOptions chatCompletions() {
        return new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(RestAssured.port)
                .setURI("/api/v1/chat/completions")
                .putHeader("Authorization", "Bearer sk-good").putHeader("Content-Type", "application/json");
    }

    private CompletableFuture<HttpClientResponse> post(String body) {
        CompletableFuture<HttpClientResponse> response = new CompletableFuture<>();
        client.request(chatCompletions())
                .compose(req -> req.send(body)).onSuccess(r -> {
                    if (r.statusCode() == 200) {
                        response.complete(r);
                    } else { // what was refused, read in the response's own callback
                        r.body().onComplete(b -> response.completeExceptionally(new AssertionError(
                                "HTTP " + r.statusCode() + ": " + (b.succeeded() ? b.result() : b.cause()))));
                    }
                }).onFailure(response::completeExceptionally);
        return response;
    }

    /**
     * The body is collected from the response's own callback: chunks that arrive before a handler is
     * set from another thread would be lost, and a short stream can arrive whole in that window.
     */
    private CompletableFuture<String> whole(String body, CompletableFuture<HttpVersion> version) {
        CompletableFuture<String> text = new CompletableFuture<>();
        client.request(chatCompletions())
                .compose(req -> req.send(body))
                .compose(response -> {
                    version.complete(response.version());
                    return response.body();
                })
                .onSuccess(buffer -> text.complete(buffer.toString())).onFailure(text::completeExceptionally);
        return text;
    }

    @Test
    void anSseStreamArrivesEventByEventOverH2cAndALeavingClientCutsOnlyItsStream() throws Exception {
        StubUpstream.MODE.put("alpha", "slow"); // one " more" chunk every 100 ms, never ending
        HttpClientResponse slow = post(chat("leave after three")).get(10, TimeUnit.SECONDS);
        assertEquals(HttpVersion.HTTP_2, slow.version());
        assertEquals(200, slow.statusCode());
        assertEquals("text/event-stream", slow.getHeader("Content-Type"));
        List<String> reads = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> three = new CompletableFuture<>();
        slow.handler(chunk -> {
            if (chunk.toString().contains("\" more\"")) {
                reads.add(chunk.toString());
            }
            if (reads.size() == 3) {
                three.complete(null);
            }
        });
        // three separate reads of a stream that never ends: relayed as the provider sent it, not at the end
        three.get(10, TimeUnit.SECONDS);
        slow.request().reset();
        for (int i = 0; i < 50 && StubUpstream.CALLS.keySet().stream().noneMatch(k -> k.startsWith("closed:")); i++) {
            Thread.sleep(50);
        }
        assertTrue(StubUpstream.CALLS.keySet().stream().anyMatch(k -> k.startsWith("closed:")),
                "the reset reached the provider: " + StubUpstream.CALLS);

        // the same connection still carries a whole stream, and the provider got this request
        StubUpstream.MODE.clear();
        CompletableFuture<HttpVersion> version = new CompletableFuture<>();
        String body = whole(chat("h2c marker"), version).get(10, TimeUnit.SECONDS);
        assertEquals(HttpVersion.HTTP_2, version.get());
        assertTrue(body.contains("\"content\":\" there\"") && body.trim().endsWith("data: [DONE]"), body);
        assertEquals("h2c marker", StubUpstream.LAST_BODY.get("alpha").getJsonArray("messages").getJsonObject(0)
                .getString("content"));
        assertEquals(2, StubUpstream.CALLS.getOrDefault("alpha", 0), StubUpstream.CALLS.toString());
    }
}
