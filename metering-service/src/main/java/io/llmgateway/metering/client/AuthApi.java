package io.llmgateway.metering.client;

import io.llmgateway.contracts.internal.KeyState;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** auth-service's internal key lookup. */
@Path("/internal/keys")
@Produces(MediaType.APPLICATION_JSON)
public interface AuthApi {

    @GET
    @Path("/{hash}")
    Uni<KeyState> key(@PathParam("hash") String keyHash);
}
