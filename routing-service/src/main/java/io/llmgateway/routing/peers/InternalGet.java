package io.llmgateway.routing.peers;

import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.upstream.HttpClients;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** A GET of another gateway service's {@code /internal/} API whose 200 answer is one JSON record. */
@ApplicationScoped
public class InternalGet {

    private final HttpClients clients;

    public InternalGet(HttpClients clients) {
        this.clients = clients;
    }

    /**
     * The 200 body read as {@code type}; empty on {@code emptyStatus}, the status by which the peer says
     * "nothing for you" (unknown, unchanged). Any other status, or a body that is not a {@code type}, fails
     * the future with a message naming {@code peer} or {@code what}.
     */
    public <T> Future<Optional<T>> fetch(RequestOptions options, int emptyStatus, Class<T> type, String peer,
            String what) {
        return clients.internal().request(options.setMethod(HttpMethod.GET))
                .compose(req -> req.send())
                .compose(resp -> resp.body().map(body -> {
                    if (resp.statusCode() == emptyStatus) {
                        return Optional.<T>empty();
                    }
                    if (resp.statusCode() != 200) {
                        throw new IllegalStateException(peer + " answered " + resp.statusCode());
                    }
                    try {
                        return Optional.of(Json.MAPPER.readValue(body.getBytes(), type));
                    } catch (Exception e) {
                        throw new IllegalStateException(what + " unreadable: " + e.getMessage());
                    }
                }));
    }
}
