package io.llmgateway.catalog.model;

/**
 * Pagination links of a list answer ({@code links} of OpenRouter's {@code ModelsListResponse}): the
 * next page's URL (path and query), null on the last page and when no {@code offset}/{@code limit} was
 * asked for (the whole list is one page); present either way, the SDK requires it.
 */
public record PageLinks(String next) {

    public static final PageLinks LAST = new PageLinks(null);
}
