package io.llmgateway.catalog.resource;

import io.llmgateway.catalog.model.ChangeResult;
import io.llmgateway.catalog.model.EndpointPatch;
import io.llmgateway.catalog.model.EndpointRequest;
import io.llmgateway.catalog.model.ImportResult;
import io.llmgateway.catalog.model.ModelRequest;
import io.llmgateway.catalog.model.ProviderRequest;
import io.llmgateway.catalog.service.AdminService;
import io.llmgateway.catalog.service.OperatorGuard;
import io.llmgateway.catalog.service.QuarantineService;
import io.llmgateway.catalog.model.Data;
import io.llmgateway.catalog.model.QuarantinedEndpoint;
import java.util.List;
import jakarta.ws.rs.GET;
import io.llmgateway.catalog.service.SeedImporter;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/** Operator API (bearer {@code gateway.operator-token}); never exposed by the ingress. */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AdminResource {

    private final OperatorGuard guard;
    private final AdminService admin;
    private final SeedImporter importer;
    private final QuarantineService quarantine;

    public AdminResource(OperatorGuard guard, AdminService admin, SeedImporter importer, QuarantineService quarantine) {
        this.guard = guard;
        this.admin = admin;
        this.importer = importer;
        this.quarantine = quarantine;
    }

    @PUT
    @Path("/providers/{slug}")
    public Uni<ChangeResult> putProvider(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
            @PathParam("slug") String slug, ProviderRequest body) {
        guard.check(auth);
        return admin.putProvider(slug, body);
    }

    @PUT
    @Path("/models/{author}/{slug}")
    public Uni<ChangeResult> putModel(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
            @PathParam("author") String author, @PathParam("slug") String slug, ModelRequest body) {
        guard.check(auth);
        return admin.putModel(author, slug, body);
    }

    @PUT
    @Path("/endpoints/{id: .+}")
    public Uni<ChangeResult> putEndpoint(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
            @PathParam("id") String id, EndpointRequest body) {
        guard.check(auth);
        return admin.putEndpoint(id, body);
    }

    @PATCH
    @Path("/endpoints/{id: .+}")
    public Uni<ChangeResult> patchEndpoint(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
            @PathParam("id") String id, EndpointPatch body) {
        guard.check(auth);
        return admin.patchEndpoint(id, body);
    }

    @GET
    @Path("/quarantine")
    public Data<List<QuarantinedEndpoint>> quarantine(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth) {
        guard.check(auth);
        return new Data<>(quarantine.list());
    }

    @POST
    @Path("/endpoints/{id: .+}/confirm")
    @Consumes(MediaType.WILDCARD)
    public Uni<ChangeResult> confirmPrices(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
            @PathParam("id") String id) {
        guard.check(auth);
        return quarantine.confirm(id);
    }

    @POST
    @Path("/import")
    @Consumes(MediaType.WILDCARD)
    public Uni<ImportResult> importSeed(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth) {
        guard.check(auth);
        return importer.importSeed();
    }
}
