package io.llmgateway.simulator.resource;

import io.llmgateway.simulator.model.ProviderSettings;
import io.llmgateway.simulator.model.ProviderStats;
import io.llmgateway.simulator.service.SimulationService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Run-time control of the simulated providers (see README). */
@Path("/sim/providers")
@Produces(MediaType.APPLICATION_JSON)
public class SimProvidersResource {

    private final SimulationService simulation;

    public SimProvidersResource(SimulationService simulation) {
        this.simulation = simulation;
    }

    @PUT
    @Path("/{provider}")
    @Consumes(MediaType.WILDCARD) // the body is read by hand, so a missing content type is not a 415
    public ProviderSettings configure(@PathParam("provider") String provider, String body) {
        return simulation.configure(provider, body);
    }

    @GET
    @Path("/{provider}")
    public ProviderSettings settings(@PathParam("provider") String provider) {
        return simulation.settings(provider);
    }

    @GET
    @Path("/{provider}/stats")
    public ProviderStats stats(@PathParam("provider") String provider) {
        return simulation.stats(provider);
    }

    /** Forgets the provider's recorded requests only: counters, settings and its prompt cache stay. */
    @DELETE
    @Path("/{provider}/requests")
    public void clearRequests(@PathParam("provider") String provider) {
        simulation.clearRequests(provider);
    }

    @DELETE
    @Path("/{provider}")
    public void reset(@PathParam("provider") String provider) {
        simulation.reset(provider);
    }

    @DELETE
    public void resetAll() {
        simulation.resetAll();
    }
}
