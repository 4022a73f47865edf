package io.llmgateway.routing.selection;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmgateway.contracts.internal.CatalogSnapshot;
import java.util.List;

/**
 * Whether a model takes what the request's messages hold: an {@code image_url} part needs
 * {@code image} among the model's {@code input_modalities}, a {@code file} part {@code file}, an
 * {@code input_audio} part {@code audio}. A model whose modalities are unknown takes everything.
 */
final class InputModalities {

    private InputModalities() {
    }

    static boolean covers(CatalogSnapshot.Model model, JsonNode body) {
        List<String> modalities = model.inputModalities();
        if (modalities == null || modalities.isEmpty()) {
            return true;
        }
        for (JsonNode m : body.path("messages")) {
            for (JsonNode part : m.path("content")) {
                String needed = switch (part.path("type").asText()) {
                    case "image_url" -> "image";
                    case "file" -> "file";
                    case "input_audio" -> "audio";
                    default -> null;
                };
                if (needed != null && !modalities.contains(needed)) {
                    return false;
                }
            }
        }
        return true;
    }
}
