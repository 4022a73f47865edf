package io.llmgateway.catalog.model;

/**
 * Pagination links of a list answer ({@code links} of OpenRouter's {@code ModelsListResponse}). The
 * whole list is always one page, so {@code next} is always null (but present: the SDK requires it).
 */
public record PageLinks(String next) {

    public static final PageLinks LAST = new PageLinks(null);
}
