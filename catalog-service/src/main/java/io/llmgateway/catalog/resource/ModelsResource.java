package io.llmgateway.catalog.resource;

import io.llmgateway.catalog.model.Count;
import io.llmgateway.catalog.model.Data;
import io.llmgateway.catalog.model.ModelEndpoints;
import io.llmgateway.catalog.model.ModelsList;
import io.llmgateway.catalog.service.ModelQueryService;
import io.llmgateway.catalog.service.ModelQueryService.ModelFilter;
import io.llmgateway.contracts.error.GatewayException;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.math.BigDecimal;

/** OpenRouter's public model API, answered from memory. */
@Path("/api/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

    /** The query parameters of the list; {@code offset}/{@code limit} page it (both absent: one page). */
    public static class ListParams {
        @QueryParam("supported_parameters") String supportedParameters;
        @QueryParam("category") String category;
        @QueryParam("q") String q;
        @QueryParam("input_modalities") String inputModalities;
        @QueryParam("output_modalities") String outputModalities;
        @QueryParam("sort") String sort;
        @QueryParam("max_price") String maxPrice;
        @QueryParam("offset") Integer offset;
        @QueryParam("limit") Integer limit;

        ModelFilter filter() {
            return new ModelFilter(supportedParameters, category, q, inputModalities, outputModalities, sort,
                    decimal(maxPrice));
        }

        boolean paged() {
            return offset != null || limit != null;
        }
    }

    public static final int MAX_LIMIT = 1000;

    private final ModelQueryService models;

    public ModelsResource(ModelQueryService models) {
        this.models = models;
    }

    @GET
    public Response list(@BeanParam ListParams params, @Context UriInfo uri) {
        ModelFilter filter = params.filter();
        if (!params.paged()) {
            byte[] cached = models.allModelsJson(filter);
            return Response.ok(cached != null ? cached : ModelsList.of(models.models(filter))).build();
        }
        int offset = params.offset == null ? 0 : params.offset;
        int limit = params.limit == null ? 500 : params.limit;
        if (offset < 0 || limit < 1 || limit > MAX_LIMIT) {
            throw GatewayException.badRequest("Invalid offset/limit: offset >= 0, 1 <= limit <= " + MAX_LIMIT);
        }
        return Response.ok(ModelsList.page(models.models(filter), offset, limit, next -> {
            java.net.URI link = uri.getRequestUriBuilder().replaceQueryParam("offset", next)
                    .replaceQueryParam("limit", limit).build();
            return link.getRawPath() + "?" + link.getRawQuery();
        })).build();
    }

    /** The models the caller's key may use: today every listed model (keys carry no model allow-list yet). */
    @GET
    @Path("/user")
    public Response user(@BeanParam ListParams params, @Context UriInfo uri) {
        return list(params, uri);
    }

    @GET
    @Path("/count")
    public Data<Count> count(@BeanParam ListParams params) {
        return new Data<>(new Count(models.count(params.filter())));
    }

    @GET
    @Path("/{author}/{slug}/endpoints")
    public Data<ModelEndpoints> endpoints(@PathParam("author") String author, @PathParam("slug") String slug) {
        return new Data<>(models.endpoints(author, slug));
    }

    static BigDecimal decimal(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            BigDecimal value = new BigDecimal(text.trim());
            if (value.signum() < 0) {
                throw GatewayException.badRequest("Invalid max_price: must not be negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw GatewayException.badRequest("Invalid max_price: a number (USD per million tokens) is required");
        }
    }
}
