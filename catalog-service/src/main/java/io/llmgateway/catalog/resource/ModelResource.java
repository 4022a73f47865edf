package io.llmgateway.catalog.resource;

import io.llmgateway.catalog.model.Data;
import io.llmgateway.catalog.model.ModelView;
import io.llmgateway.catalog.model.ModelsList;
import io.llmgateway.catalog.service.ModelQueryService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** One model by id, alias or variant ({@code /model/{author}/{slug}}) and the embedding models' list. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ModelResource {

    private final ModelQueryService models;

    public ModelResource(ModelQueryService models) {
        this.models = models;
    }

    @GET
    @Path("/model/{author}/{slug}")
    public Data<ModelView> model(@PathParam("author") String author, @PathParam("slug") String slug) {
        return new Data<>(models.model(author, slug));
    }

    @GET
    @Path("/embeddings/models")
    public ModelsList embeddingModels() {
        return ModelsList.of(models.embeddingModels());
    }
}
