package io.llmgateway.auth.resource;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.auth.model.CreateKeyRequest;
import io.llmgateway.auth.model.CreatedKey;
import io.llmgateway.auth.model.CurrentKeyView;
import io.llmgateway.auth.model.Data;
import io.llmgateway.auth.model.Deleted;
import io.llmgateway.auth.model.KeyView;
import io.llmgateway.auth.service.KeyAuthenticator;
import io.llmgateway.auth.service.KeyPatch;
import io.llmgateway.auth.service.KeyService;
import io.llmgateway.contracts.error.GatewayException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** OpenRouter's key API: the calling key ({@code /key}) and key management ({@code /keys}, management keys only). */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class KeyResource {

    private final KeyAuthenticator auth;
    private final KeyService keys;

    public KeyResource(KeyAuthenticator auth, KeyService keys) {
        this.auth = auth;
        this.keys = keys;
    }

    @GET
    @Path("/key")
    public Uni<Data<CurrentKeyView>> current(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return auth.authenticate(authorization).chain(keys::current).map(Data::new);
    }

    @GET
    @Path("/keys")
    public Uni<Data<List<KeyView>>> list(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @QueryParam("include_disabled") String includeDisabled, @QueryParam("offset") String offset) {
        boolean disabled = flag(includeDisabled);
        int from = offset(offset);
        return auth.management(authorization).chain(caller -> keys.list(caller, disabled, from)).map(Data::new);
    }

    @POST
    @Path("/keys")
    public Uni<Response> create(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, CreateKeyRequest request) {
        return auth.management(authorization).chain(caller -> keys.create(caller, request))
                .map(created -> Response.status(Response.Status.CREATED).entity(created).build());
    }

    @GET
    @Path("/keys/{hash}")
    public Uni<Data<KeyView>> get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @PathParam("hash") String hash) {
        return auth.management(authorization).chain(caller -> keys.get(caller, hash)).map(Data::new);
    }

    @PATCH
    @Path("/keys/{hash}")
    public Uni<Data<KeyView>> patch(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @PathParam("hash") String hash, JsonNode body) {
        KeyPatch patch = KeyPatch.parse(body);
        return auth.management(authorization).chain(caller -> keys.patch(caller, hash, patch)).map(Data::new);
    }

    @DELETE
    @Path("/keys/{hash}")
    public Uni<Deleted> delete(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @PathParam("hash") String hash) {
        return auth.management(authorization).chain(caller -> keys.delete(caller, hash));
    }

    private static boolean flag(String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw GatewayException.badRequest("'include_disabled' must be true or false");
        };
    }

    private static int offset(String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            int offset = Integer.parseInt(value);
            if (offset < 0) {
                throw GatewayException.badRequest("'offset' must not be negative");
            }
            return offset;
        } catch (NumberFormatException e) {
            throw GatewayException.badRequest("'offset' must be a non-negative integer");
        }
    }
}
