package io.llmgateway.metering.resource;

import io.llmgateway.contracts.internal.EndpointHealth;
import io.llmgateway.metering.service.EndpointHealthService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** Internal API for catalog and routing; never exposed by the ingress, so no key. */
@Path("/internal")
@Produces(MediaType.APPLICATION_JSON)
public class InternalResource {

    private final EndpointHealthService health;

    public InternalResource(EndpointHealthService health) {
        this.health = health;
    }

    @GET
    @Path("/endpoint-health")
    public Uni<List<EndpointHealth>> endpointHealth() {
        return health.health();
    }
}
