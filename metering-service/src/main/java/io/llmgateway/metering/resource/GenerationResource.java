package io.llmgateway.metering.resource;

import io.llmgateway.metering.service.CallerResolver;
import io.llmgateway.metering.service.GenerationService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** Generation stats: any key of the generation's account may read it. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class GenerationResource {

    private final CallerResolver callers;
    private final GenerationService generations;

    public GenerationResource(CallerResolver callers, GenerationService generations) {
        this.callers = callers;
        this.generations = generations;
    }

    @GET
    @Path("/generation")
    public Uni<Map<String, Object>> generation(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @QueryParam("id") String id) {
        return callers.resolve(authorization).chain(caller -> generations.find(caller, id));
    }

    /** Gateway extension: the account's most recent generations (management key), for the dashboard. */
    @GET
    @Path("/generations")
    public Uni<Map<String, Object>> recent(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @QueryParam("limit") Integer limit) {
        return callers.resolveManagement(authorization).chain(caller -> generations.recent(caller, limit));
    }
}
