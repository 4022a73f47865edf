package io.llmgateway.auth.support;

import io.quarkus.arc.Arc;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.test.junit.callback.QuarkusTestAfterEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

/**
 * Puts the application's clock back to real time after every Quarkus test, so that a test which pins
 * it (limit periods, key expiry) cannot leave the next test in its past. Registered in
 * META-INF/services.
 */
public class RealTimeAfterEach implements QuarkusTestAfterEachCallback {

    @Override
    public void afterEach(QuarkusTestMethodContext context) {
        try (InstanceHandle<TestClock> clock = Arc.container().instance(TestClock.class)) {
            if (clock.isAvailable()) {
                clock.get().reset();
            }
        }
    }
}
