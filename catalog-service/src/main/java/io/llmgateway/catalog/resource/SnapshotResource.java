package io.llmgateway.catalog.resource;

import io.llmgateway.catalog.service.CatalogCache;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /internal/snapshot} for routing: everything it needs to route, ETag = catalog version.
 * A matching If-None-Match answers 304 with no body, so polling an unchanged catalog costs nothing.
 */
@Path("/internal/snapshot")
public class SnapshotResource {

    private final CatalogCache cache;

    public SnapshotResource(CatalogCache cache) {
        this.cache = cache;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response snapshot(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        CatalogCache.RenderedSnapshot snapshot = cache.snapshot();
        String etag = "\"" + snapshot.version() + "\"";
        if (matches(ifNoneMatch, etag)) {
            return Response.notModified().header(HttpHeaders.ETAG, etag).build();
        }
        return Response.ok(snapshot.json(), MediaType.APPLICATION_JSON_TYPE).header(HttpHeaders.ETAG, etag).build();
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag) || tag.equals("*")) {
                return true;
            }
        }
        return false;
    }
}
