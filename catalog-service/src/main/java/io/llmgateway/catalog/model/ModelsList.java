package io.llmgateway.catalog.model;

import java.util.List;

/**
 * Body of {@code GET /api/v1/models} (OpenRouter schema {@code ModelsListResponse}):
 * {@code {"data": [Model], "links": {"next": null}, "total_count": n}}, n = the models matching the filters.
 */
public record ModelsList(List<ModelView> data, PageLinks links, int totalCount) {

    public static ModelsList of(List<ModelView> models) {
        return new ModelsList(models, PageLinks.LAST, models.size());
    }
}
