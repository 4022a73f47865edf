package io.llmgateway.catalog.model;

import java.util.List;

/** Model architecture as OpenRouter shows it; {@code modality} is e.g. {@code text+image->text}. */
public record Architecture(String modality, List<String> inputModalities, List<String> outputModalities,
        String tokenizer, String instructType) {
}
