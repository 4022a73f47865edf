package io.llmgateway.catalog.client;

import io.llmgateway.contracts.internal.EndpointHealth;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** metering-service's internal health API (URL: {@code quarkus.rest-client.metering.url}, from gateway.metering.url). */
@RegisterRestClient(configKey = "metering")
@Path("/internal/endpoint-health")
public interface MeteringApi {

    @GET
    Uni<List<EndpointHealth>> endpointHealth();
}
