package io.llmgateway.catalog.service;

import java.util.Locale;
import java.util.Map;

/**
 * What the seed file does not say about a provider: our slug, display name, wire protocol (adapter),
 * real base URL and the environment variable holding its key. LiteLLM splits some providers into
 * several entries (bedrock, bedrock_converse; vertex_ai-*): they map to one slug here.
 */
public final class ProviderDirectory {

    public static final String OPENAI = "openai";
    public static final String ANTHROPIC = "anthropic";
    public static final String GEMINI = "gemini";

    /** Seed facts of one provider. */
    public record Entry(String slug, String name, String adapter, String baseUrl, String credentialEnv) {
    }

    private static final Map<String, String> SLUGS = Map.ofEntries(
            Map.entry("together_ai", "together"), Map.entry("fireworks_ai", "fireworks"),
            Map.entry("bedrock_converse", "amazon-bedrock"), Map.entry("bedrock", "amazon-bedrock"),
            Map.entry("bedrock_mantle", "amazon-bedrock"), Map.entry("amazon_nova", "amazon-nova"),
            Map.entry("azure_ai", "azure"), Map.entry("gemini", "google-ai-studio"),
            Map.entry("vertex_ai", "google-vertex"), Map.entry("cohere_chat", "cohere"),
            Map.entry("vercel_ai_gateway", "vercel"), Map.entry("meta_llama", "meta"), Map.entry("palm", "google-palm"),
            Map.entry("codestral", "mistral"), Map.entry("lambda_ai", "lambda"), Map.entry("featherless_ai", "featherless"),
            Map.entry("nlp_cloud", "nlp-cloud"), Map.entry("github_copilot", "github-copilot"),
            Map.entry("gradient_ai", "gradient"), Map.entry("xai", "xai"));

    /** slug -> name, base URL, key variable for the providers we know; the rest get derived values. */
    private static final Map<String, String[]> KNOWN = Map.ofEntries(
            Map.entry("openai", new String[] {"OpenAI", "https://api.openai.com/v1", "OPENAI_API_KEY"}),
            Map.entry("anthropic", new String[] {"Anthropic", "https://api.anthropic.com/v1", "ANTHROPIC_API_KEY"}),
            Map.entry("google-ai-studio", new String[] {"Google AI Studio", "https://generativelanguage.googleapis.com/v1beta", "GEMINI_API_KEY"}),
            Map.entry("google-vertex", new String[] {"Google Vertex", "https://aiplatform.googleapis.com/v1beta", "VERTEX_API_KEY"}),
            Map.entry("groq", new String[] {"Groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY"}),
            Map.entry("together", new String[] {"Together", "https://api.together.xyz/v1", "TOGETHER_API_KEY"}),
            Map.entry("fireworks", new String[] {"Fireworks", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY"}),
            Map.entry("deepinfra", new String[] {"DeepInfra", "https://api.deepinfra.com/v1/openai", "DEEPINFRA_API_KEY"}),
            Map.entry("mistral", new String[] {"Mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY"}),
            Map.entry("deepseek", new String[] {"DeepSeek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY"}),
            Map.entry("xai", new String[] {"xAI", "https://api.x.ai/v1", "XAI_API_KEY"}),
            Map.entry("cerebras", new String[] {"Cerebras", "https://api.cerebras.ai/v1", "CEREBRAS_API_KEY"}),
            Map.entry("perplexity", new String[] {"Perplexity", "https://api.perplexity.ai/v1", "PERPLEXITY_API_KEY"}),
            Map.entry("openrouter", new String[] {"OpenRouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"}),
            Map.entry("nebius", new String[] {"Nebius AI Studio", "https://api.studio.nebius.com/v1", "NEBIUS_API_KEY"}),
            Map.entry("sambanova", new String[] {"SambaNova", "https://api.sambanova.ai/v1", "SAMBANOVA_API_KEY"}),
            Map.entry("hyperbolic", new String[] {"Hyperbolic", "https://api.hyperbolic.xyz/v1", "HYPERBOLIC_API_KEY"}),
            Map.entry("novita", new String[] {"NovitaAI", "https://api.novita.ai/v3/openai", "NOVITA_API_KEY"}),
            Map.entry("moonshot", new String[] {"Moonshot AI", "https://api.moonshot.ai/v1", "MOONSHOT_API_KEY"}),
            Map.entry("cohere", new String[] {"Cohere", "https://api.cohere.ai/compatibility/v1", "COHERE_API_KEY"}),
            Map.entry("amazon-bedrock", new String[] {"Amazon Bedrock", "https://bedrock-runtime.us-east-1.amazonaws.com/openai/v1", "AWS_BEDROCK_API_KEY"}),
            Map.entry("azure", new String[] {"Azure", "https://models.inference.ai.azure.com/v1", "AZURE_API_KEY"}),
            Map.entry("vercel", new String[] {"Vercel AI Gateway", "https://ai-gateway.vercel.sh/v1", "VERCEL_AI_GATEWAY_API_KEY"}),
            Map.entry("dashscope", new String[] {"Alibaba DashScope", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", "DASHSCOPE_API_KEY"}),
            Map.entry("zai", new String[] {"Z.AI", "https://api.z.ai/api/paas/v4", "ZAI_API_KEY"}),
            Map.entry("minimax", new String[] {"MiniMax", "https://api.minimax.io/v1", "MINIMAX_API_KEY"}),
            Map.entry("lambda", new String[] {"Lambda", "https://api.lambda.ai/v1", "LAMBDA_API_KEY"}),
            Map.entry("cloudflare", new String[] {"Cloudflare", "https://api.cloudflare.com/client/v4/accounts/ACCOUNT_ID/ai/v1", "CLOUDFLARE_API_KEY"}),
            Map.entry("baseten", new String[] {"Baseten", "https://inference.baseten.co/v1", "BASETEN_API_KEY"}),
            Map.entry("nscale", new String[] {"Nscale", "https://inference.api.nscale.com/v1", "NSCALE_API_KEY"}),
            Map.entry("ovhcloud", new String[] {"OVHcloud AI Endpoints", "https://oai.endpoints.kepler.ai.cloud.ovh.net/v1", "OVHCLOUD_API_KEY"}),
            Map.entry("scaleway", new String[] {"Scaleway", "https://api.scaleway.ai/v1", "SCALEWAY_API_KEY"}),
            Map.entry("crusoe", new String[] {"Crusoe", "https://api.crusoe.ai/v1", "CRUSOE_API_KEY"}));

    private ProviderDirectory() {
    }

    /** Our slug for a LiteLLM provider name: lower case letters, digits and dashes only (it is a URL segment). */
    public static String slugOf(String litellmProvider) {
        String provider = litellmProvider.toLowerCase(Locale.ROOT);
        if (provider.startsWith("vertex_ai")) {
            return "google-vertex";
        }
        String slug = SLUGS.get(provider);
        return slug != null ? slug : provider.replaceAll("[^a-z0-9]+", "-");
    }

    /** LiteLLM provider -> wire protocol: Anthropic's own API, Gemini (AI Studio and Vertex), else OpenAI. */
    public static String adapterOf(String litellmProvider) {
        String provider = litellmProvider.toLowerCase(Locale.ROOT);
        if (provider.equals("anthropic")) {
            return ANTHROPIC;
        }
        if (provider.equals("gemini") || provider.startsWith("vertex_ai")) {
            return GEMINI;
        }
        return OPENAI;
    }

    /** Hosts of several makers' models that speak each family's own API where they offer one. */
    private static final java.util.Set<String> MULTI_PROTOCOL_HOSTS = java.util.Set.of("google-vertex", "amazon-bedrock", "azure");

    /**
     * The protocol one endpoint speaks when it is not its provider's, null when it is. On Vertex, Claude
     * speaks Anthropic's Messages API (Anthropic's models are served through it), Gemini and Google's
     * embeddings speak Gemini's, and the Model Garden's other models (Llama, Mistral, DeepSeek, Qwen, Gemma
     * as a service) the OpenAI-compatible chat API; on Bedrock and Azure Claude speaks Anthropic's and the
     * rest their provider's OpenAI-compatible API.
     */
    public static String endpointAdapterOf(String litellmProvider, String modelId) {
        if (!MULTI_PROTOCOL_HOSTS.contains(slugOf(litellmProvider))) {
            return null;
        }
        String author = modelId.substring(0, modelId.indexOf('/'));
        String slug = modelId.substring(modelId.indexOf('/') + 1);
        String protocol;
        if (ANTHROPIC.equals(author)) {
            protocol = ANTHROPIC;
        } else if ("google".equals(author) && "google-vertex".equals(slugOf(litellmProvider))
                && (slug.startsWith("gemini") || slug.contains("embedding"))) {
            protocol = GEMINI;
        } else {
            protocol = OPENAI;
        }
        return protocol.equals(adapterOf(litellmProvider)) ? null : protocol;
    }

    public static Entry entryFor(String litellmProvider) {
        String slug = slugOf(litellmProvider);
        String[] known = KNOWN.get(slug);
        if (known != null) {
            return new Entry(slug, known[0], adapterOf(litellmProvider), known[1], known[2]);
        }
        String name = displayName(slug);
        String env = slug.toUpperCase(Locale.ROOT).replace('-', '_') + "_API_KEY";
        // Unknown base URLs are placeholders an operator overrides (PUT /admin/providers or a ConfigMap);
        // with gateway.simulator.url set, as in every local run and test, they are never used.
        return new Entry(slug, name, adapterOf(litellmProvider), "https://api." + slug + ".invalid/v1", env);
    }

    static String displayName(String slug) {
        StringBuilder out = new StringBuilder();
        for (String word : slug.split("-")) {
            if (!word.isEmpty()) {
                out.append(out.isEmpty() ? "" : " ").append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        return out.toString();
    }
}
