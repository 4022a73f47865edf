package io.llmgateway.routing.upstream.protocol;

import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Map;

/** One HTTP request to send upstream, already in the provider's wire format. */
public record UpstreamCall(String url, Map<String, String> headers, Buffer body) {

    /**
     * The headers of a JSON call with the credential in the protocol's header ({@code value} is the
     * credential as that header carries it; none when the endpoint needs no key).
     */
    static Map<String, String> jsonHeaders(String credentialHeader, String value) {
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/json");
        if (value != null) {
            headers.put(credentialHeader, value);
        }
        return headers;
    }
}
