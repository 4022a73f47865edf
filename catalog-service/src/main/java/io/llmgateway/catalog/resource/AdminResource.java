package io.llmgateway.catalog.resource;

import io.llmgateway.catalog.model.ChangeResult;
import io.llmgateway.catalog.model.Data;
import io.llmgateway.catalog.model.EndpointPatch;
import io.llmgateway.catalog.model.EndpointRequest;
import io.llmgateway.catalog.model.ImportResult;
import io.llmgateway.catalog.model.ModelRequest;
import io.llmgateway.catalog.model.ProviderRequest;
import io.llmgateway.catalog.model.QuarantinedEndpoint;
import io.llmgateway.catalog.service.AdminService;
import io.llmgateway.catalog.service.QuarantineService;
import io.llmgateway.catalog.service.SeedImporter;
import io.llmgateway.platform.security.OperatorOnly;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** Operator API (bearer {@code gateway.operator-token}); never exposed by the ingress. */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@OperatorOnly
public class AdminResource {

    private final AdminService admin;
    private final SeedImporter importer;
    private final QuarantineService quarantine;

    public AdminResource(AdminService admin, SeedImporter importer, QuarantineService quarantine) {
        this.admin = admin;
        this.importer = importer;
        this.quarantine = quarantine;
    }

    @PUT
    @Path("/providers/{slug}")
    public Uni<ChangeResult> putProvider(@PathParam("slug") String slug, ProviderRequest body) {
        return admin.putProvider(slug, body);
    }

    @PUT
    @Path("/models/{author}/{slug}")
    public Uni<ChangeResult> putModel(@PathParam("author") String author, @PathParam("slug") String slug, ModelRequest body) {
        return admin.putModel(author, slug, body);
    }

    @PUT
    @Path("/endpoints/{id: .+}")
    public Uni<ChangeResult> putEndpoint(@PathParam("id") String id, EndpointRequest body) {
        return admin.putEndpoint(id, body);
    }

    @PATCH
    @Path("/endpoints/{id: .+}")
    public Uni<ChangeResult> patchEndpoint(@PathParam("id") String id, EndpointPatch body) {
        return admin.patchEndpoint(id, body);
    }

    @GET
    @Path("/quarantine")
    public Data<List<QuarantinedEndpoint>> quarantine() {
        return new Data<>(quarantine.list());
    }

    @POST
    @Path("/endpoints/{id: .+}/confirm")
    @Consumes(MediaType.WILDCARD)
    public Uni<ChangeResult> confirmPrices(@PathParam("id") String id) {
        return quarantine.confirm(id);
    }

    @POST
    @Path("/import")
    @Consumes(MediaType.WILDCARD)
    public Uni<ImportResult> importSeed() {
        return importer.importSeed();
    }
}
