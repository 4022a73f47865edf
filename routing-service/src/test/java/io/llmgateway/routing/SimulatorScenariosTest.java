package io.llmgateway.routing;

import static io.llmgateway.routing.GatewayRequests.post;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against the real provider-simulator process: each protocol, and fail-over / stream endings under
 * the simulator's faults. Skipped when the simulator jar is not built.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
@WithTestResource(StubUpstream.class)
class SimulatorScenariosTest extends GatewayTest {

    @BeforeEach
    void freshSimulator() {
        Simulator.requireFresh();
    }

    static String req(String model, boolean stream, String extra) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + extra
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}]}";
    }

    static final String ORDERED = ",\"provider\":{\"order\":[\"sim-a\",\"sim-b\",\"sim-c\"]}";

    @Test
    void everyProtocolJsonAndStream() {
        for (String model : new String[] { "sim/multi", "sim/claude", "sim/gemini" }) {
            post(req(model, false, "")).then().statusCode(200).body("model", equalTo(model))
                    .body("choices[0].finish_reason", equalTo("stop")).body("usage.completion_tokens", equalTo(16))
                    .body("choices[0].message.content.length()", greaterThan(10));
            String s = post(req(model, true, "")).then().statusCode(200).extract().asString();
            assertTrue(s.contains("\"choices\":[]") && s.contains("\"completion_tokens\":16"), model + ": " + s);
            assertTrue(s.trim().endsWith("data: [DONE]"), s);
        }
    }

    @Test
    void failsOverPastStatusResetAndRateLimit() {
        Simulator.configure("sim-a", "{\"fault\":\"status:500\"}");
        Simulator.configure("sim-b", "{\"fault\":\"reset\"}");
        post(req("sim/multi", false, ORDERED)).then().statusCode(200).body("provider", equalTo("SIM-C"));
        Simulator.configure("sim-a", "{\"fault\":{\"type\":\"status:429\",\"retry_after_s\":60}}");
        post(req("sim/multi", true, ORDERED)).then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("\"provider\":\"SIM-C\""));
    }

    @Test
    void contentPolicyIsPassedBackAndContextLengthMovesToTheNextModel() {
        Simulator.configure("sim-claude", "{\"fault\":\"status:400:content_policy_violation\"}");
        post(req("sim/claude", false, "")).then().statusCode(403).body("error.code", equalTo(403))
                .body("error.message", org.hamcrest.Matchers.containsString("content policy"));
        Simulator.configure("sim-a", "{\"fault\":\"status:400:context_length_exceeded\"}");
        Simulator.configure("sim-b", "{\"fault\":\"status:400:context_length_exceeded\"}");
        Simulator.configure("sim-c", "{\"fault\":\"status:400:context_length_exceeded\"}");
        post(req("sim/multi", false, ",\"models\":[\"sim/gemini\"]")).then().statusCode(200)
                .body("model", equalTo("sim/gemini"));
        int calls = 0;
        for (String p : new String[] { "sim-a", "sim-b", "sim-c" }) {
            calls += given().get(StubUpstream.simulator + "/sim/providers/" + p + "/stats").then().extract()
                    .jsonPath().getInt("calls");
        }
        assertEquals(1, calls, "endpoints with no larger context are not tried again");
    }

    @Test
    void hangingProviderIsCutAndFailedOver() {
        Simulator.configure("sim-a", "{\"fault\":\"hang\"}");
        post(req("sim/multi", false, ORDERED)).then().statusCode(200).body("provider", equalTo("SIM-B"));
    }

    @Test
    void streamEndingsAfterTheFirstToken() {
        String only = ",\"provider\":{\"only\":[\"sim-a\"]}";
        Simulator.configure("sim-a", "{\"fault\":\"cut-after:3\"}");
        String cut = post(req("sim/multi", true, only)).then().statusCode(200).extract().asString();
        assertTrue(cut.contains("\"finish_reason\":\"error\"") && cut.trim().endsWith("data: [DONE]"), cut);
        Simulator.configure("sim-a", "{\"fault\":\"malformed-at:3\"}");
        String malformed = post(req("sim/multi", true, only)).then().statusCode(200).extract().asString();
        assertTrue(malformed.contains("\"finish_reason\":\"error\""), malformed);
        Simulator.configure("sim-a", "{\"fault\":\"no-done\"}");
        String noDone = post(req("sim/multi", true, only)).then().statusCode(200).extract().asString();
        assertTrue(noDone.contains("\"choices\":[]") && noDone.trim().endsWith("data: [DONE]")
                && !noDone.contains("\"finish_reason\":\"error\""), noDone);
        Simulator.configure("sim-a", "{\"fault\":\"stall-after:2:5000\"}");
        String stalled = post(req("sim/multi", true, only)).then().statusCode(200).extract().asString();
        assertTrue(stalled.contains("\"finish_reason\":\"error\""), stalled);
    }

    @Test
    void missingUsageIsCountedAndMarkedEstimated() throws Exception {
        Simulator.configure("sim-claude", "{\"omit_usage\":true}");
        String id = post(req("sim/claude", false, "")).then().statusCode(200)
                .body("usage.completion_tokens", greaterThan(0)).extract().path("id");
        String event = null;
        for (int i = 0; i < 50 && event == null; i++) {
            for (var msg : redis.stream(String.class).xrange(keys.usageStream(),
                    io.quarkus.redis.datasource.stream.StreamRange.of("-", "+"))) {
                if (msg.payload().get("data").contains(id)) {
                    event = msg.payload().get("data");
                }
            }
            Thread.sleep(100);
        }
        assertTrue(event != null && event.contains("\"tokens_estimated\":true"), String.valueOf(event));
    }

    @Test
    void circuitOpensThenClosesAfterRecovery() throws Exception {
        String only = ",\"provider\":{\"only\":[\"sim-a\"]}";
        Simulator.configure("sim-a", "{\"fault\":\"status:503\"}");
        post(req("sim/multi", false, only)).then().statusCode(502);
        post(req("sim/multi", false, only)).then().statusCode(502);
        post(req("sim/multi", false, only)).then().statusCode(503);
        assertEquals(io.smallrye.faulttolerance.api.CircuitBreakerState.OPEN, guards.state("sim-ep-a"));
        given().delete(StubUpstream.simulator + "/sim/providers/sim-a");
        Thread.sleep(1200); // test profile: circuit delay 1 s
        post(req("sim/multi", false, only)).then().statusCode(200).body("provider", equalTo("SIM-A"));
        assertEquals(io.smallrye.faulttolerance.api.CircuitBreakerState.CLOSED, guards.state("sim-ep-a"));
    }
}
