package io.llmgateway.catalog.model;

import java.util.List;

/** Body of {@code PUT /admin/models/{author}/{slug}}: creates or replaces a model (enabled=false disables it). */
public record ModelRequest(String name, String description, Long created, Integer contextLength,
        List<String> inputModalities, List<String> outputModalities, String tokenizer,
        List<String> supportedParameters, PerRequestLimits perRequestLimits, Boolean enabled) {
}
