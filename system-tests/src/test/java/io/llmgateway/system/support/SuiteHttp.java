package io.llmgateway.system.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** JSON over HTTP to the services of a suite, a key or token as the bearer. */
final class SuiteHttp {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final ObjectMapper json;

    SuiteHttp(ObjectMapper json) {
        this.json = json;
    }

    HttpResponse<String> send(String method, String url, String bearer, String body, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON a POST answered with a 2xx; anything else fails the test setup at once. */
    JsonNode post(String url, String bearer, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = send("POST", url, bearer, body, Duration.ofSeconds(30));
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + url + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return json.readTree(response.body());
    }

    /**
     * A new account with its own credits (created through auth's operator API), its management key and
     * an inference key made with it through routing at {@code baseUrl}.
     */
    GatewaySuite.Account createAccount(String authUrl, String operatorToken, String baseUrl, String name,
            String credits) throws IOException, InterruptedException {
        JsonNode created = post(authUrl + "/admin/accounts", operatorToken,
                "{\"name\":\"" + name + "\",\"credits\":\"" + credits + "\"}");
        String mgmt = created.path("management_key").asText();
        JsonNode key = post(baseUrl + "/keys", mgmt, "{\"name\":\"" + name + " inference\"}");
        return new GatewaySuite.Account(created.path("account_id").asText(), mgmt, key.path("key").asText(),
                key.path("data").path("hash").asText());
    }
}
