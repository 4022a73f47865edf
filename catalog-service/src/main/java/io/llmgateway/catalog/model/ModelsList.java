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

    /**
     * One page: {@code limit} models from {@code offset}; {@code next} is the link to the following page
     * (null on the last one), {@code total_count} counts all the matching models.
     */
    public static ModelsList page(List<ModelView> models, int offset, int limit, java.util.function.IntFunction<String> link) {
        int from = Math.min(offset, models.size());
        int to = Math.min(models.size(), from + limit);
        return new ModelsList(models.subList(from, to), new PageLinks(to < models.size() ? link.apply(to) : null),
                models.size());
    }
}
