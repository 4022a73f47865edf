package io.llmgateway.catalog.service;

import io.llmgateway.catalog.model.ModelLinks;
import io.llmgateway.catalog.model.ModelView;
import io.llmgateway.catalog.model.PublicPricing;
import io.llmgateway.catalog.model.TopProvider;
import io.llmgateway.catalog.persistence.ModelEntity;
import java.util.List;

/**
 * OpenRouter's router pseudo-models, listed like models but served by no provider: routing picks a real
 * model for each request ({@code openrouter/auto}: a pool of models; {@code openrouter/free}: zero-priced
 * endpoints). The catalog lists them and gives routing their ids; it never routes them itself.
 */
public final class RouterModels {

    public static final String AUTO = "openrouter/auto";
    public static final String FREE = "openrouter/free";

    private RouterModels() {
    }

    public static List<ModelEntity> all(long created) {
        return List.of(
                router(AUTO, "Auto Router", "Picks, per request, the cheapest healthy model of a configured pool that "
                        + "meets what the request needs; the chosen model is named in the answer.", created),
                router(FREE, "Free Models Router", "Picks among zero-priced endpoints.", created));
    }

    /** Listed like OpenRouter lists them: auto's price is that of the model it picks ("-1"), free's is zero. */
    static ModelView render(ModelEntity m) {
        String price = FREE.equals(m.id) ? "0" : "-1";
        return new ModelView(m.id, m.canonicalSlug, null, m.name, m.created, m.description, m.contextLength,
                CatalogIndex.architecture(m), new PublicPricing(price, price, "0", "0", null, null, null),
                new TopProvider(m.contextLength, null, false), null, CatalogText.split(m.supportedParameters), null,
                null, null, null, new ModelLinks("/api/v1/models/" + m.id + "/endpoints"));
    }

    private static ModelEntity router(String id, String name, String description, long created) {
        ModelEntity m = new ModelEntity();
        m.id = id;
        m.canonicalSlug = id;
        m.name = "OpenRouter: " + name;
        m.description = description;
        m.created = created;
        m.contextLength = null;
        m.inputModalities = "text,image,file";
        m.outputModalities = "text";
        m.tokenizer = "Router";
        m.supportedParameters = "max_tokens,temperature,top_p,stop,tools,tool_choice,response_format,structured_outputs,"
                + "reasoning,include_reasoning";
        m.enabled = true;
        m.kind = SeedEntries.ROUTER;
        m.source = SeedCatalog.SOURCE;
        return m;
    }
}
