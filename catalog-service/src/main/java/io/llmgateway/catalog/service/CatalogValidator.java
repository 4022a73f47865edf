package io.llmgateway.catalog.service;

import io.llmgateway.catalog.model.CredentialInput;
import io.llmgateway.catalog.model.PricingInput;
import io.llmgateway.contracts.error.GatewayException;
import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks operator input (admin API and ConfigMaps) before anything is written, so a bad request
 * changes nothing. Every failure is a 400 with a message naming the field.
 */
public final class CatalogValidator {

    public static final Set<String> ADAPTERS = Set.of(ProviderDirectory.OPENAI, ProviderDirectory.ANTHROPIC,
            ProviderDirectory.GEMINI);
    public static final Set<String> STATUSES = Set.of("active", "disabled", "down");
    public static final Set<String> QUANTIZATIONS = Set.of("int4", "int8", "fp4", "mxfp4", "nvfp4", "fp6", "fp8",
            "mxfp8", "fp16", "bf16", "fp32", "unknown");
    private static final Pattern SLUG = Pattern.compile("^[a-z0-9][a-z0-9-]{0,63}$");
    private static final Pattern MODEL_PART = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,99}$");
    private static final Pattern ENDPOINT_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,299}$");
    private static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]{0,199}$");
    private static final Pattern K8S_NAME = Pattern.compile("^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$");
    private static final Pattern SECRET_KEY = Pattern.compile("^[-._a-zA-Z0-9]{1,253}$");
    /** Nothing costs more than 1,000 USD per token: a bigger number is a unit mistake. */
    private static final BigDecimal MAX_PRICE = new BigDecimal("1000");

    private CatalogValidator() {
    }

    public static void providerSlug(String slug) {
        if (slug == null || !SLUG.matcher(slug).matches()) {
            throw GatewayException.badRequest("Invalid provider slug '" + safe(slug)
                    + "': lower-case letters, digits and dashes, at most 64");
        }
    }

    public static void modelId(String author, String slug) {
        if (author == null || slug == null || !MODEL_PART.matcher(author).matches() || !MODEL_PART.matcher(slug).matches()) {
            throw GatewayException.badRequest("Invalid model id '" + safe(author) + "/" + safe(slug)
                    + "': author/slug in lower-case letters, digits, '.', '_' and '-'");
        }
    }

    public static void modelId(String id) {
        int slash = id == null ? -1 : id.indexOf('/');
        if (slash < 0) {
            throw GatewayException.badRequest("Invalid model id '" + safe(id) + "': expected author/slug");
        }
        modelId(id.substring(0, slash), id.substring(slash + 1));
    }

    public static void endpointId(String id) {
        if (id == null || !ENDPOINT_ID.matcher(id).matches()) {
            throw GatewayException.badRequest("Invalid endpoint id '" + safe(id) + "'");
        }
    }

    public static void adapter(String adapter) {
        if (adapter == null || !ADAPTERS.contains(adapter)) {
            throw GatewayException.badRequest("Unknown adapter '" + safe(adapter) + "': expected one of openai, anthropic, gemini");
        }
    }

    public static void status(String status) {
        if (status != null && !STATUSES.contains(status)) {
            throw GatewayException.badRequest("Invalid status '" + safe(status) + "': expected active, disabled or down");
        }
    }

    public static void baseUrl(String url) {
        try {
            URI uri = new URI(url == null ? "" : url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (Exception e) {
            throw GatewayException.badRequest("Invalid base_url '" + safe(url) + "': expected an http(s) URL with host");
        }
    }

    public static void credential(CredentialInput credential) {
        if (credential == null) {
            return;
        }
        if (credential.env() != null && !ENV_NAME.matcher(credential.env()).matches()) {
            throw GatewayException.badRequest("Invalid credential.env: expected an environment variable name, not a key");
        }
        if ((credential.secretName() == null) != (credential.secretKey() == null)) {
            throw GatewayException.badRequest("credential.secret_name and credential.secret_key go together");
        }
        if (credential.secretName() != null && (!K8S_NAME.matcher(credential.secretName()).matches()
                || !SECRET_KEY.matcher(credential.secretKey()).matches())) {
            throw GatewayException.badRequest("Invalid credential secret reference: expected a Secret name and key");
        }
    }

    public static void tokens(String field, Integer value) {
        if (value != null && value < 0) {
            throw GatewayException.badRequest("Invalid " + field + ": must not be negative");
        }
    }

    public static void quantization(String quantization) {
        if (quantization != null && !QUANTIZATIONS.contains(quantization)) {
            throw GatewayException.badRequest("Invalid quantization '" + safe(quantization) + "'");
        }
    }

    public static void pricing(PricingInput pricing) {
        if (pricing == null) {
            return;
        }
        price("prompt", pricing.prompt());
        price("completion", pricing.completion());
        price("request", pricing.request());
        price("image", pricing.image());
        price("input_cache_read", pricing.inputCacheRead());
        price("input_cache_write", pricing.inputCacheWrite());
        price("internal_reasoning", pricing.internalReasoning());
    }

    private static void price(String field, BigDecimal value) {
        if (value == null) {
            return;
        }
        if (value.signum() < 0) {
            throw GatewayException.badRequest("Invalid pricing." + field + ": must not be negative");
        }
        if (value.compareTo(MAX_PRICE) > 0) {
            throw GatewayException.badRequest("Invalid pricing." + field + ": USD per token, at most 1000");
        }
    }

    public static void names(String field, List<String> values) {
        if (values == null) {
            return;
        }
        for (String v : values) {
            if (v == null || !v.matches("^[a-z0-9_]{1,64}$")) {
                throw GatewayException.badRequest("Invalid " + field + " entry '" + safe(v) + "'");
            }
        }
    }

    /** Echoes at most 80 printable characters of caller input, so messages stay short and harmless. */
    public static String safe(String value) {
        if (value == null) {
            return "";
        }
        String printable = value.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
    }
}
