package io.llmgateway.catalog.model;

import java.util.List;

/** Body of {@code GET /api/v1/models/{author}/{slug}/endpoints} inside {@code data} (ListEndpointsResponse). */
public record ModelEndpoints(String id, String name, long created, String description, Architecture architecture,
        List<EndpointView> endpoints) {
}
