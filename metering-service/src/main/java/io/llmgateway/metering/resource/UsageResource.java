package io.llmgateway.metering.resource;

import io.llmgateway.contracts.internal.EndpointHealth;
import io.llmgateway.metering.service.ActivityService;
import io.llmgateway.metering.service.CallerResolver;
import io.llmgateway.metering.service.EndpointHealthService;
import io.llmgateway.metering.service.TimeseriesService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** Account-wide usage: activity and time-series need a management key of the account. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class UsageResource {

    private final CallerResolver callers;
    private final ActivityService activity;
    private final TimeseriesService timeseries;
    private final EndpointHealthService health;

    public UsageResource(CallerResolver callers, ActivityService activity, TimeseriesService timeseries,
            EndpointHealthService health) {
        this.callers = callers;
        this.activity = activity;
        this.timeseries = timeseries;
        this.health = health;
    }

    @GET
    @Path("/activity")
    public Uni<Map<String, Object>> activity(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @QueryParam("date") String date, @QueryParam("api_key_hash") String keyHash) {
        return callers.resolveManagement(authorization).chain(caller -> activity.activity(caller, date, keyHash));
    }

    @GET
    @Path("/usage/timeseries")
    public Uni<Map<String, Object>> timeseries(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @QueryParam("granularity") String granularity, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("group_by") String groupBy, @QueryParam("metrics") String metrics) {
        return callers.resolveManagement(authorization)
                .chain(caller -> timeseries.query(caller, granularity, from, to, groupBy, metrics));
    }

    /** Endpoint health for dashboard users (same data as the internal endpoint; public stats, any key). */
    @GET
    @Path("/usage/endpoint-health")
    public Uni<Map<String, List<EndpointHealth>>> endpointHealth(
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return callers.resolve(authorization).chain(caller -> health.health()).map(list -> Map.of("data", list));
    }
}
