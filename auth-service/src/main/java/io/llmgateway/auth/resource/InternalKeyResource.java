package io.llmgateway.auth.resource;

import io.llmgateway.auth.service.KeyService;
import io.llmgateway.contracts.internal.KeyState;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Routing's key lookup on a cache miss; never exposed by the ingress. */
@Path("/internal/keys")
@Produces(MediaType.APPLICATION_JSON)
public class InternalKeyResource {

    private final KeyService keys;

    public InternalKeyResource(KeyService keys) {
        this.keys = keys;
    }

    @GET
    @Path("/{keyHash}")
    public Uni<KeyState> key(@PathParam("keyHash") String keyHash) {
        return keys.state(keyHash);
    }
}
