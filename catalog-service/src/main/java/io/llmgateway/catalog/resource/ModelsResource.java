package io.llmgateway.catalog.resource;

import io.llmgateway.catalog.model.Count;
import io.llmgateway.catalog.model.Data;
import io.llmgateway.catalog.model.ModelEndpoints;
import io.llmgateway.catalog.model.ModelsList;
import io.llmgateway.catalog.service.ModelQueryService;
import io.llmgateway.catalog.service.ModelQueryService.ModelFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** OpenRouter's public model API, answered from memory. */
@Path("/api/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

    private final ModelQueryService models;

    public ModelsResource(ModelQueryService models) {
        this.models = models;
    }

    @GET
    public Response list(@QueryParam("supported_parameters") String supportedParameters,
            @QueryParam("category") String category, @QueryParam("q") String q,
            @QueryParam("input_modalities") String inputModalities,
            @QueryParam("output_modalities") String outputModalities) {
        ModelFilter filter = new ModelFilter(supportedParameters, category, q, inputModalities, outputModalities);
        byte[] cached = models.allModelsJson(filter);
        return Response.ok(cached != null ? cached : ModelsList.of(models.models(filter))).build();
    }

    @GET
    @Path("/count")
    public Data<Count> count(@QueryParam("supported_parameters") String supportedParameters,
            @QueryParam("category") String category, @QueryParam("q") String q,
            @QueryParam("input_modalities") String inputModalities,
            @QueryParam("output_modalities") String outputModalities) {
        return new Data<>(new Count(models.count(
                new ModelFilter(supportedParameters, category, q, inputModalities, outputModalities))));
    }

    @GET
    @Path("/{author}/{slug}/endpoints")
    public Data<ModelEndpoints> endpoints(@PathParam("author") String author, @PathParam("slug") String slug) {
        return new Data<>(models.endpoints(author, slug));
    }
}
