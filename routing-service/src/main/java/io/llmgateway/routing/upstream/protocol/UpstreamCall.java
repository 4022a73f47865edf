package io.llmgateway.routing.upstream.protocol;

import io.vertx.core.buffer.Buffer;
import java.util.Map;

/** One HTTP request to send upstream, already in the provider's wire format. */
public record UpstreamCall(String url, Map<String, String> headers, Buffer body) {
}
