package io.llmgateway.catalog.client;

import io.llmgateway.contracts.internal.EndpointHealth;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Fetches endpoint health from metering. Metering being down is normal (it starts later, it restarts):
 * the breaker stops hammering it and the fallback answers "no news", so the last known stats stay.
 */
@ApplicationScoped
public class MeteringClient {

    private static final Logger LOG = Logger.getLogger(MeteringClient.class);

    private final MeteringApi api;

    public MeteringClient(@RestClient MeteringApi api) {
        this.api = api;
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 60, delayUnit = ChronoUnit.SECONDS)
    @Fallback(fallbackMethod = "noNews")
    public Uni<Optional<List<EndpointHealth>>> endpointHealth() {
        return api.endpointHealth().map(list -> Optional.ofNullable(list));
    }

    Uni<Optional<List<EndpointHealth>>> noNews(Throwable failure) {
        LOG.debugf("endpoint health unavailable from metering, keeping the last stats: %s", failure.toString());
        return Uni.createFrom().item(Optional.empty());
    }
}
