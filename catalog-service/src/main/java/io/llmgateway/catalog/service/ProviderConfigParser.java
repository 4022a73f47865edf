package io.llmgateway.catalog.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.llmgateway.catalog.model.CredentialInput;
import io.llmgateway.catalog.model.EndpointRequest;
import io.llmgateway.catalog.model.PricingInput;
import io.llmgateway.catalog.model.ProviderRequest;
import io.llmgateway.catalog.model.ProvidersDocument;
import io.llmgateway.contracts.error.GatewayException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and fully validates one catalog ConfigMap. Either the whole document is valid and becomes a
 * list of changes, or it is rejected as a whole (so a half-valid file never half-applies).
 */
public final class ProviderConfigParser {

    public static final String YAML_KEY = "providers.yaml";
    public static final String JSON_KEY = "providers.json";

    /** A provider and its endpoints, validated, ready for {@link AdminService}. */
    public record ProviderChange(String slug, ProviderRequest provider, List<EndpointChange> endpoints) {
    }

    public record EndpointChange(String id, EndpointRequest endpoint) {
    }

    // YAML is a superset of JSON: one parser reads both keys. Decimals straight to BigDecimal.
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ProviderConfigParser() {
    }

    /** The document text of a ConfigMap's data, or null when it has neither key. */
    public static String content(Map<String, String> data) {
        if (data == null) {
            return null;
        }
        String yaml = data.get(YAML_KEY);
        return yaml != null ? yaml : data.get(JSON_KEY);
    }

    /** @throws GatewayException (400) with the reason when anything in the document is invalid */
    public static List<ProviderChange> parse(String content) {
        ProvidersDocument doc;
        try {
            doc = YAML.readValue(content, ProvidersDocument.class);
        } catch (Exception e) {
            throw GatewayException.badRequest("unreadable document: " + firstLine(e.getMessage()));
        }
        if (doc == null || doc.providers() == null || doc.providers().isEmpty()) {
            throw GatewayException.badRequest("no providers declared");
        }
        List<ProviderChange> changes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ProvidersDocument.Provider p : doc.providers()) {
            if (p == null) {
                throw GatewayException.badRequest("empty provider entry");
            }
            if (!seen.add(String.valueOf(p.slug()))) {
                throw GatewayException.badRequest("provider '" + p.slug() + "' declared twice");
            }
            ProvidersDocument.Credential c = p.credential();
            CredentialInput credential = c == null ? null : new CredentialInput(c.env(),
                    c.secret() == null ? null : c.secret().name(), c.secret() == null ? null : c.secret().key());
            ProviderRequest request = new ProviderRequest(p.name(), p.adapter(), p.baseUrl(), credential,
                    p.trainsOnData(), p.retainsPrompts(), p.status());
            AdminService.validateProvider(p.slug(), request);
            List<EndpointChange> endpoints = new ArrayList<>();
            for (ProvidersDocument.Endpoint e : p.endpoints() == null ? List.<ProvidersDocument.Endpoint>of() : p.endpoints()) {
                if (e == null) {
                    throw GatewayException.badRequest("empty endpoint entry of provider " + p.slug());
                }
                ProvidersDocument.Pricing price = e.pricing();
                PricingInput pricing = price == null ? null : new PricingInput(price.prompt(), price.completion(),
                        price.request(), price.image(), price.inputCacheRead(), price.inputCacheWrite(),
                        price.internalReasoning());
                EndpointRequest endpoint = new EndpointRequest(e.model(), p.slug(), e.providerModel(), e.contextLength(),
                        e.maxCompletionTokens(), e.quantization(), pricing, e.supportedParameters(), e.enabled(),
                        e.adapter(), e.baseUrl());
                AdminService.validateEndpoint(endpoint);
                String id = e.id() != null ? e.id() : p.slug() + ":" + e.model();
                CatalogValidator.endpointId(id);
                endpoints.add(new EndpointChange(id, endpoint));
            }
            changes.add(new ProviderChange(p.slug(), request, endpoints));
        }
        return changes;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
