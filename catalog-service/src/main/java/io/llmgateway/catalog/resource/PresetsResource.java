package io.llmgateway.catalog.resource;

import io.llmgateway.catalog.model.Data;
import io.llmgateway.catalog.model.PresetList;
import io.llmgateway.catalog.model.PresetRequest;
import io.llmgateway.catalog.model.PresetVersionView;
import io.llmgateway.catalog.model.PresetView;
import io.llmgateway.catalog.service.PresetService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/presets} (management key). Catalog does not check keys: routing verifies the management
 * key with auth-service and forwards the account in {@value #ACCOUNT_HEADER}, after removing any copy
 * the client sent. Without that header the answer is 401.
 */
@Path("/api/v1/presets")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PresetsResource {

    public static final String ACCOUNT_HEADER = "X-Gateway-Account-Id";

    private final PresetService presets;

    public PresetsResource(PresetService presets) {
        this.presets = presets;
    }

    @GET
    public Uni<PresetList> list(@HeaderParam(ACCOUNT_HEADER) String account, @QueryParam("offset") Integer offset,
            @QueryParam("limit") Integer limit) {
        return presets.list(account, offset, limit);
    }

    @GET
    @Path("/{slug}")
    public Uni<Data<PresetView>> get(@HeaderParam(ACCOUNT_HEADER) String account, @PathParam("slug") String slug) {
        return presets.get(account, slug).map(Data::new);
    }

    @GET
    @Path("/{slug}/versions")
    public Uni<Data<List<PresetVersionView>>> versions(@HeaderParam(ACCOUNT_HEADER) String account,
            @PathParam("slug") String slug) {
        return presets.versions(account, slug).map(Data::new);
    }

    @PUT
    @Path("/{slug}")
    public Uni<Data<PresetView>> put(@HeaderParam(ACCOUNT_HEADER) String account, @PathParam("slug") String slug,
            PresetRequest body) {
        return presets.put(account, slug, body).map(Data::new);
    }

    @DELETE
    @Path("/{slug}")
    @Consumes(MediaType.WILDCARD)
    public Uni<Data<Map<String, Object>>> delete(@HeaderParam(ACCOUNT_HEADER) String account,
            @PathParam("slug") String slug) {
        return presets.delete(account, slug).map(ignored -> new Data<>(Map.of("slug", slug, "deleted", true)));
    }
}
