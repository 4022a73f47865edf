package io.llmgateway.routing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.lessThan;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The real provider-simulator process {@link StubUpstream} starts: its fault settings and the requests
 * it recorded, which is what tests assert reached the provider.
 */
final class Simulator {

    private Simulator() {
    }

    /**
     * Before a simulator test: skipped without the simulator, every simulated provider back to its
     * defaults (stats and caches cleared).
     */
    static void requireFresh() {
        Assumptions.assumeTrue(StubUpstream.simulator != null, "provider-simulator jar not available");
        given().delete(StubUpstream.simulator + "/sim/providers").then().statusCode(lessThan(300));
    }

    /** Sets a simulated provider's behaviour, e.g. {@code {"fault":"status:500"}}. */
    static void configure(String provider, String settings) {
        given().contentType("application/json").body(settings).put(StubUpstream.simulator + "/sim/providers/" + provider)
                .then().statusCode(200);
    }

    /** Every request a simulated provider received since the last reset, oldest first. */
    static List<Map<String, Object>> requests(String provider) {
        return given().get(StubUpstream.simulator + "/sim/providers/" + provider + "/stats").then().statusCode(200)
                .extract().path("requests");
    }

    static Map<String, Object> lastRequest(String provider) {
        List<Map<String, Object>> requests = requests(provider);
        return requests.get(requests.size() - 1);
    }
}
