package io.llmgateway.catalog.resource;

import io.llmgateway.catalog.model.Data;
import io.llmgateway.catalog.model.ProviderView;
import io.llmgateway.catalog.service.ModelQueryService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** {@code GET /api/v1/providers}: the providers known to the catalog. */
@Path("/api/v1/providers")
@Produces(MediaType.APPLICATION_JSON)
public class ProvidersResource {

    private final ModelQueryService models;

    public ProvidersResource(ModelQueryService models) {
        this.models = models;
    }

    @GET
    public Data<List<ProviderView>> list() {
        return new Data<>(models.providers());
    }
}
