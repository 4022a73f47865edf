package io.llmgateway.catalog.service;

import io.llmgateway.catalog.model.ChangeResult;
import io.llmgateway.catalog.model.CredentialInput;
import io.llmgateway.catalog.model.EndpointPatch;
import io.llmgateway.catalog.model.EndpointRequest;
import io.llmgateway.catalog.model.ModelRequest;
import io.llmgateway.catalog.model.PricingInput;
import io.llmgateway.catalog.model.ProviderRequest;
import io.llmgateway.catalog.persistence.EndpointEntity;
import io.llmgateway.catalog.persistence.ModelEntity;
import io.llmgateway.catalog.persistence.ProviderEntity;
import io.llmgateway.contracts.error.GatewayException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Operator changes to providers, models, endpoints and prices. Input is validated completely before the
 * transaction starts; unknown references are 404s. Each change is one transaction and one version.
 */
@ApplicationScoped
public class AdminService {

    public static final String SOURCE_ADMIN = "admin";

    private final CatalogStore store;

    public AdminService(CatalogStore store) {
        this.store = store;
    }

    public Uni<ChangeResult> putProvider(String slug, ProviderRequest request) {
        validateProvider(slug, request);
        return store.change("provider", slug, () -> applyProvider(slug, request, SOURCE_ADMIN))
                .map(done -> new ChangeResult("provider", slug, done.version(), done.changed()));
    }

    public Uni<ChangeResult> putModel(String author, String slug, ModelRequest request) {
        CatalogValidator.modelId(author, slug);
        validateModel(request);
        String id = author + "/" + slug;
        return store.change("model", id, () -> applyModel(id, request, SOURCE_ADMIN))
                .map(done -> new ChangeResult("model", id, done.version(), done.changed()));
    }

    public Uni<ChangeResult> putEndpoint(String id, EndpointRequest request) {
        CatalogValidator.endpointId(id);
        validateEndpoint(request);
        return store.change("endpoint", id, () -> applyEndpoint(id, request, SOURCE_ADMIN, false))
                .map(done -> new ChangeResult("endpoint", id, done.version(), done.changed()));
    }

    public Uni<ChangeResult> patchEndpoint(String id, EndpointPatch patch) {
        if (patch == null || (patch.enabled() == null && patch.pricing() == null)) {
            throw GatewayException.badRequest("Nothing to change: send enabled and/or pricing");
        }
        CatalogValidator.pricing(patch.pricing());
        return store.change("endpoint", id, () -> EndpointEntity.<EndpointEntity>findById(id).map(row -> {
            if (row == null) {
                throw GatewayException.notFound("Unknown endpoint '" + CatalogValidator.safe(id) + "'");
            }
            if (patch.enabled() != null) {
                row.enabled = patch.enabled();
            }
            applyPrices(row, patch.pricing(), true);
            row.source = SOURCE_ADMIN;
            row.updatedAt = Instant.now();
            return row.modelId;
        }).call(Panache::flush).call(QuarantineService::review).map(ignored -> new CatalogStore.Work<Void>(null, true)))
                .map(done -> new ChangeResult("endpoint", id, done.version(), done.changed()));
    }

    // ---- validation, shared with the ConfigMap watcher ----

    public static void validateProvider(String slug, ProviderRequest request) {
        CatalogValidator.providerSlug(slug);
        if (request == null) {
            throw GatewayException.badRequest("Missing provider body");
        }
        CatalogValidator.adapter(request.adapter());
        CatalogValidator.baseUrl(request.baseUrl());
        CatalogValidator.status(request.status());
        CatalogValidator.credential(request.credential());
    }

    public static void validateModel(ModelRequest request) {
        if (request == null) {
            throw GatewayException.badRequest("Missing model body");
        }
        CatalogValidator.tokens("context_length", request.contextLength());
        if (request.perRequestLimits() != null) {
            CatalogValidator.tokens("per_request_limits.prompt_tokens", request.perRequestLimits().promptTokens());
            CatalogValidator.tokens("per_request_limits.completion_tokens", request.perRequestLimits().completionTokens());
        }
        CatalogValidator.names("input_modalities", request.inputModalities());
        CatalogValidator.names("output_modalities", request.outputModalities());
        CatalogValidator.names("supported_parameters", request.supportedParameters());
        if (request.created() != null && request.created() < 0) {
            throw GatewayException.badRequest("Invalid created: must not be negative");
        }
    }

    public static void validateEndpoint(EndpointRequest request) {
        if (request == null) {
            throw GatewayException.badRequest("Missing endpoint body");
        }
        CatalogValidator.modelId(request.modelId());
        CatalogValidator.providerSlug(request.provider());
        if (request.providerModel() == null || request.providerModel().isBlank() || request.providerModel().length() > 300) {
            throw GatewayException.badRequest("Invalid provider_model: the provider's own model name is required");
        }
        CatalogValidator.tokens("context_length", request.contextLength());
        CatalogValidator.tokens("max_completion_tokens", request.maxCompletionTokens());
        CatalogValidator.quantization(request.quantization());
        CatalogValidator.pricing(request.pricing());
        CatalogValidator.names("supported_parameters", request.supportedParameters());
        if (request.adapter() != null) {
            CatalogValidator.adapter(request.adapter());
        }
        if (request.baseUrl() != null) {
            CatalogValidator.baseUrl(request.baseUrl());
        }
    }

    // ---- units of work, run inside CatalogStore.change ----

    public Uni<CatalogStore.Work<Void>> applyProvider(String slug, ProviderRequest r, String source) {
        return ProviderEntity.<ProviderEntity>findById(slug).chain(existing -> {
            ProviderEntity row = existing == null ? new ProviderEntity() : existing;
            row.slug = slug;
            row.name = r.name() == null || r.name().isBlank() ? (existing != null ? existing.name
                    : ProviderDirectory.displayName(slug)) : r.name().trim();
            row.adapter = r.adapter();
            row.baseUrl = r.baseUrl();
            CredentialInput c = r.credential();
            row.credentialEnv = c == null ? null : c.env();
            row.credentialSecret = c == null ? null : c.secretName();
            row.credentialKey = c == null ? null : c.secretKey();
            row.trainsOnData = Boolean.TRUE.equals(r.trainsOnData());
            row.retainsPrompts = Boolean.TRUE.equals(r.retainsPrompts());
            row.zdr = Boolean.TRUE.equals(r.zdr());
            row.status = r.status() == null ? "active" : r.status();
            row.source = source;
            row.updatedAt = Instant.now();
            Uni<?> write = existing == null ? row.persist() : Uni.createFrom().item(row);
            return write.map(ignored -> new CatalogStore.Work<Void>(null, true));
        });
    }

    public Uni<CatalogStore.Work<Void>> applyModel(String id, ModelRequest r, String source) {
        return ModelEntity.<ModelEntity>findById(id).chain(existing -> {
            ModelEntity row = existing == null ? new ModelEntity() : existing;
            String slug = id.substring(id.indexOf('/') + 1);
            row.id = id;
            row.canonicalSlug = existing == null ? id : existing.canonicalSlug;
            row.name = r.name() != null && !r.name().isBlank() ? r.name().trim()
                    : existing != null ? existing.name : SeedCatalog.title(slug);
            row.description = r.description() != null ? r.description() : existing != null ? existing.description : "";
            row.created = r.created() != null ? r.created() : existing != null ? existing.created
                    : Instant.now().getEpochSecond();
            row.contextLength = r.contextLength() != null ? r.contextLength() : existing == null ? null : existing.contextLength;
            row.inputModalities = listOr(r.inputModalities(), existing == null ? "text" : existing.inputModalities);
            row.outputModalities = listOr(r.outputModalities(), existing == null ? "text" : existing.outputModalities);
            row.tokenizer = r.tokenizer() != null ? r.tokenizer() : existing != null ? existing.tokenizer : "Other";
            row.supportedParameters = r.supportedParameters() != null
                    ? String.join(",", CatalogText.orderParameters(r.supportedParameters()))
                    : existing != null ? existing.supportedParameters : "max_tokens,temperature,top_p,stop";
            if (r.perRequestLimits() != null) {
                row.promptTokensLimit = r.perRequestLimits().promptTokens();
                row.completionTokensLimit = r.perRequestLimits().completionTokens();
            }
            row.enabled = r.enabled() != null ? r.enabled() : existing == null || existing.enabled;
            row.source = source;
            row.updatedAt = Instant.now();
            Uni<?> write = existing == null ? row.persist() : Uni.createFrom().item(row);
            return write.map(ignored -> new CatalogStore.Work<Void>(null, true));
        });
    }

    /**
     * @param createModel true for ConfigMaps: an endpoint of a model the catalog does not know yet adds
     *                    a minimal model; the admin API answers 404 instead
     */
    public Uni<CatalogStore.Work<Void>> applyEndpoint(String id, EndpointRequest r, String source, boolean createModel) {
        return ProviderEntity.<ProviderEntity>findById(r.provider()).chain(provider -> {
            if (provider == null) {
                throw GatewayException.notFound("Unknown provider '" + r.provider() + "'");
            }
            return ModelEntity.<ModelEntity>findById(r.modelId());
        }).chain(model -> {
            if (model != null) {
                return Uni.createFrom().voidItem();
            }
            if (!createModel) {
                throw GatewayException.notFound("Unknown model '" + r.modelId() + "'");
            }
            return applyModel(r.modelId(), new ModelRequest(null, "", null, r.contextLength(), null, null, null,
                    r.supportedParameters(), null, true), source).replaceWithVoid();
        }).chain(() -> EndpointEntity.<EndpointEntity>find("modelId = ?1 and providerSlug = ?2", r.modelId(), r.provider())
                .<EndpointEntity>firstResult()).chain(twin -> {
            if (twin != null && !twin.id.equals(id)) {
                throw GatewayException.badRequest("Model " + r.modelId() + " is already served by " + r.provider()
                        + " through endpoint '" + twin.id + "'");
            }
            return EndpointEntity.<EndpointEntity>findById(id);
        }).chain(existing -> {
            EndpointEntity row = existing == null ? new EndpointEntity() : existing;
            row.id = id;
            row.modelId = r.modelId();
            row.providerSlug = r.provider();
            row.providerModel = r.providerModel();
            row.contextLength = r.contextLength();
            row.maxCompletionTokens = r.maxCompletionTokens();
            row.quantization = r.quantization();
            row.adapter = r.adapter();
            row.baseUrl = r.baseUrl();
            if (existing == null) {
                row.pricePrompt = BigDecimal.ZERO;
                row.priceCompletion = BigDecimal.ZERO;
                row.priceRequest = BigDecimal.ZERO;
                row.priceImage = BigDecimal.ZERO;
            }
            applyPrices(row, r.pricing(), false);
            row.supportedParameters = r.supportedParameters() == null ? "max_tokens,temperature,top_p,stop"
                    : String.join(",", CatalogText.orderParameters(r.supportedParameters()));
            row.enabled = r.enabled() == null || r.enabled();
            row.source = source;
            row.updatedAt = Instant.now();
            Uni<?> write = existing == null ? row.persist() : Uni.createFrom().item(row);
            // prices changed by an operator are checked like imported ones (a corrected price releases it)
            return write.call(Panache::flush).call(() -> QuarantineService.review(row.modelId))
                    .map(ignored -> new CatalogStore.Work<Void>(null, true));
        });
    }

    /** Sets the prices given; with {@code onlyGiven} false (a PUT) the missing optional prices are cleared. */
    static void applyPrices(EndpointEntity row, PricingInput p, boolean onlyGiven) {
        if (p == null) {
            return;
        }
        row.pricePrompt = pick(p.prompt(), row.pricePrompt, true);
        row.priceCompletion = pick(p.completion(), row.priceCompletion, true);
        row.priceRequest = pick(p.request(), row.priceRequest, true);
        row.priceImage = pick(p.image(), row.priceImage, true);
        row.priceInputCacheRead = pick(p.inputCacheRead(), row.priceInputCacheRead, onlyGiven);
        row.priceInputCacheWrite = pick(p.inputCacheWrite(), row.priceInputCacheWrite, onlyGiven);
        row.priceInternalReasoning = pick(p.internalReasoning(), row.priceInternalReasoning, onlyGiven);
    }

    private static BigDecimal pick(BigDecimal given, BigDecimal current, boolean keepCurrent) {
        if (given != null) {
            return CatalogText.normalizePrice(given);
        }
        return keepCurrent ? current : null;
    }

    private static String listOr(List<String> values, String fallback) {
        return values == null || values.isEmpty() ? fallback : CatalogText.join(values);
    }
}
