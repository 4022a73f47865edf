package io.llmgateway.catalog.model;

import java.util.List;

/** One entry of {@code GET /api/v1/models} (OpenRouter schema {@code Model}). */
public record ModelView(
        String id,
        String canonicalSlug,
        String huggingFaceId,
        String name,
        long created,
        String description,
        Integer contextLength,
        Architecture architecture,
        PublicPricing pricing,
        TopProvider topProvider,
        PerRequestLimits perRequestLimits,
        List<String> supportedParameters,
        Object defaultParameters,
        List<String> supportedVoices,
        String expirationDate,
        String knowledgeCutoff,
        ModelLinks links) {
}
