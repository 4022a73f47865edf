package io.llmgateway.routing;

import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.routing.selection.CatalogCache;
import io.llmgateway.routing.upstream.EndpointGuards;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;

/**
 * The base of the end-to-end tests through a running gateway: every test starts from the same state
 * (stub modes, call counts and recorded bodies cleared, breakers closed, the catalog loaded), so that
 * no test depends on which ran before it.
 */
abstract class GatewayTest {

    @Inject
    CatalogCache catalog;
    @Inject
    EndpointGuards guards;
    @Inject
    RedisDataSource redis;
    @Inject
    RedisKeys keys;

    @BeforeEach
    void resetGateway() throws InterruptedException {
        StubUpstream.MODE.clear();
        StubUpstream.CALLS.clear();
        StubUpstream.LAST_BODY.clear();
        guards.reset();
        // the catalog arrives asynchronously after start: a request before it would find no model
        for (int i = 0; i < 100 && !catalog.loaded(); i++) {
            Thread.sleep(100);
        }
    }

    /** The JSON of the usage event of a generation, read back from the usage stream (waits up to 5 s). */
    String usageEventText(String id) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            for (var msg : redis.stream(String.class).xrange(keys.usageStream(), StreamRange.of("-", "+"))) {
                if (msg.payload().get("data").contains(id)) {
                    return msg.payload().get("data");
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no usage event for " + id);
    }
}
