package io.llmgateway.catalog.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a provider-specific model name from the seed file (e.g. {@code groq/llama-3.3-70b-versatile},
 * {@code together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo}) into one OpenRouter-style model id
 * ({@code meta-llama/llama-3.3-70b-instruct}), so that a model served by several providers becomes one
 * model with several endpoints. Heuristic by nature: the rules below cover the naming habits seen in the
 * data (region prefixes, date suffixes, Fireworks' {@code v3p1}, Bedrock's {@code vendor.name-v1:0}).
 */
public final class ModelNameNormalizer {

    /** Provider-side name (sent upstream) and the canonical model id it maps to. */
    public record Name(String providerModel, String modelId) {
        public String author() {
            return modelId.substring(0, modelId.indexOf('/'));
        }

        public String slug() {
            return modelId.substring(modelId.indexOf('/') + 1);
        }
    }

    /** First word of a model slug -> the author OpenRouter files it under. Checked longest first. */
    private static final Map<String, String> FAMILIES = new LinkedHashMap<>();

    static {
        String[][] families = {
                {"chatgpt", "openai"}, {"gpt-oss", "openai"}, {"gpt", "openai"}, {"o1", "openai"}, {"o3", "openai"},
                {"o4", "openai"}, {"codex", "openai"}, {"davinci", "openai"}, {"babbage", "openai"},
                {"claude", "anthropic"}, {"gemini", "google"}, {"gemma", "google"}, {"chat-bison", "google"},
                {"codellama", "meta-llama"}, {"llama", "meta-llama"}, {"mixtral", "mistralai"},
                {"mistral", "mistralai"}, {"codestral", "mistralai"}, {"devstral", "mistralai"},
                {"magistral", "mistralai"}, {"ministral", "mistralai"}, {"pixtral", "mistralai"},
                {"open-mistral", "mistralai"}, {"open-mixtral", "mistralai"}, {"deepseek", "deepseek"},
                {"qwen", "qwen"}, {"qwq", "qwen"}, {"grok", "x-ai"}, {"glm", "z-ai"}, {"kimi", "moonshotai"},
                {"minimax", "minimax"}, {"command", "cohere"}, {"jamba", "ai21"}, {"nova", "amazon"},
                {"phi", "microsoft"}, {"hermes", "nousresearch"}, {"granite", "ibm"}, {"sonar", "perplexity"},
                {"mimo", "xiaomi"}, {"doubao", "bytedance"}, {"ernie", "baidu"}, {"codegemma", "google"},
                {"yi", "01-ai"}, {"mythomax", "gryphe"}, {"zephyr", "huggingfaceh4"}, {"dbrx", "databricks"},
                {"starcoder2", "bigcode"}, {"starcoder", "bigcode"}, {"nous-hermes", "nousresearch"},
                {"openhermes", "teknium"}, {"toppy", "undi95"}, {"stablecode", "stabilityai"},
                {"dolphin", "cognitivecomputations"}, {"nvidia-nemotron", "nvidia"}, {"nemotron", "nvidia"},
                {"pythia", "eleutherai"}, {"cogito", "deepcogito"}, {"internvl3", "opengvlab"},
                {"text-embedding-ada", "openai"}, {"text-embedding-3", "openai"}, {"text-embedding", "google"},
                {"text-multilingual-embedding", "google"}, {"multimodalembedding", "google"}, {"voyage", "voyage"},
                {"embed", "cohere"}, {"cohere-embed", "cohere"}, {"titan", "amazon"}, {"bge", "baai"},
                {"gte", "thenlper"}, {"nomic-embed", "nomic-ai"}, {"e5", "intfloat"}, {"j2", "ai21"},
                {"palmyra", "writer"}, {"pplx", "perplexity"}, {"moonshot", "moonshotai"}, {"mercury", "inception"},
                {"v0", "vercel"}, {"olmo", "allenai"}, {"olmocr", "allenai"}};
        for (String[] f : families) {
            FAMILIES.put(f[0], f[1]);
        }
    }

    /** Organisation names in provider paths -> our author ids. */
    private static final Map<String, String> ORGS = Map.ofEntries(
            Map.entry("meta", "meta-llama"), Map.entry("meta-llama", "meta-llama"), Map.entry("deepseek-ai", "deepseek"),
            Map.entry("mistralai", "mistralai"), Map.entry("mistral", "mistralai"), Map.entry("zai-org", "z-ai"),
            Map.entry("thudm", "z-ai"), Map.entry("zai", "z-ai"), Map.entry("moonshotai", "moonshotai"),
            Map.entry("alibaba", "qwen"), Map.entry("qwen", "qwen"), Map.entry("google", "google"),
            Map.entry("openai", "openai"), Map.entry("anthropic", "anthropic"), Map.entry("xai", "x-ai"),
            Map.entry("amazon", "amazon"), Map.entry("cohere", "cohere"), Map.entry("minimaxai", "minimax"),
            Map.entry("nousresearch", "nousresearch"), Map.entry("microsoft", "microsoft"), Map.entry("ibm", "ibm"),
            Map.entry("nvidia", "nvidia"));

    private static final Set<String> LOCATION_SEGMENTS = Set.of("eu", "us", "global", "global-standard", "apac",
            "data-zone", "ps", "@cf", "@hf");
    private static final Pattern BEDROCK = Pattern.compile(
            "^(?:(?:us|eu|apac|global|au|jp|ca|us-gov|ap)\\.)?([a-z0-9-]+)\\.(.+)$");
    private static final Pattern VENDOR_PREFIX = Pattern.compile(
            "^(anthropic|alibaba|openai|meta|google|deepseek-ai|mistralai|databricks|moonshotai)-(?=claude|qwen|gpt|llama|gemini|gemma|deepseek|mistral|mixtral|o\\d|kimi|meta-llama)");
    /** Volcengine's build dates ({@code -251201}, YYMMDD): a dated snapshot of the same model. */
    private static final Pattern SHORT_DATE_SUFFIX = Pattern.compile("-2[3-9](0[1-9]|1[0-2])[0-3]\\d$");
    private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{4}-\\d{2}-\\d{2}|\\d{8})$");
    private static final Pattern FIREWORKS_VERSION = Pattern.compile("(?<=[a-z]|-)(v?\\d+)p(\\d+)(?=-|$|b-|b$)");
    /** Bedrock's old Claude ids carry the model version in {@code -vN[:M]}: {@code claude-v2:1} is Claude 2.1. */
    private static final Pattern BEDROCK_OLD_CLAUDE = Pattern.compile("^claude-(instant-)?v(\\d)(?::(\\d))?$");
    /** Llama 4's herds go by their name alone on OpenRouter: {@code llama-4-maverick-17b-128e-instruct} is {@code llama-4-maverick}. */
    private static final Pattern LLAMA4 = Pattern.compile("^llama-4-(maverick|scout)(?:-.*)?$");
    private static final Pattern YYMM_VERSION = Pattern.compile("@(2[3-9](?:0[1-9]|1[0-2]))(?:-\\d+)?$");
    private static final Pattern LOOSE_VERSION = Pattern.compile("(\\d)p(\\d)");
    private static final Pattern DIGIT_PAIR = Pattern.compile("(?<=-)(\\d)-(\\d)(?=-|$)");
    private static final Pattern LLAMA_VERSION = Pattern.compile("^llama-?v?(\\d)(?:[.-](\\d))?-(?=\\d+b|\\d+x|guard|vision|maverick|scout|nemotron)");
    private static final Pattern LLAMA_CHAT = Pattern.compile(
            "^llama-([3-9](?:\\.\\d)?)-(\\d+b)(?:-(?:versatile|instant|turbo|instruct|instruct-turbo|chat))?$");
    private static final Pattern CLAUDE_ORDER = Pattern.compile("^claude-([4-9](?:\\.\\d)?)-(opus|sonnet|haiku)(.*)$");
    /** Serving details, not another model: hosting flavours and quantisations (kept as the endpoint's quantization). */
    private static final List<String> DROPPED_SUFFIXES = List.of("-maas", "-gguf", "-tee", "-cloud", "-latest",
            "-fp8", "-hf", "-tput", "-mxfp4", "-mxfp", "-nvfp4", "-fp8-dynamic", "-fp8-fast", "-fp16", "-int8", "-awq");

    private ModelNameNormalizer() {
    }

    public static Name normalize(String key, String litellmProvider) {
        String providerModel = stripRoutingPrefix(key, litellmProvider);
        String s = providerModel.toLowerCase(Locale.ROOT).replace("accounts/fireworks/models/", "");
        String orgHint = null;
        String[] segments = s.split("/");
        int first = 0;
        while (first < segments.length - 1 && LOCATION_SEGMENTS.contains(segments[first])) {
            first++;
        }
        String base = segments[segments.length - 1];
        if (segments.length - first >= 2) {
            orgHint = segments[segments.length - 2];
        }
        if (litellmProvider.startsWith("bedrock") || litellmProvider.equals("oci")) {
            Matcher m = BEDROCK.matcher(base);
            if (m.matches()) {
                orgHint = m.group(1);
                base = m.group(2);
            }
            Matcher oldClaude = BEDROCK_OLD_CLAUDE.matcher(base);
            if (oldClaude.matches()) {
                base = "claude-" + (oldClaude.group(1) == null ? "" : oldClaude.group(1)) + oldClaude.group(2)
                        + (oldClaude.group(3) == null || "0".equals(oldClaude.group(3)) ? "" : "." + oldClaude.group(3));
            } else {
                // Mistral on Bedrock writes its own versions as "-v0:N" (mistral-7b-instruct-v0:2 is v0.2)
                base = base.replaceAll("-v0:(\\d+)$", "-v0.$1");
                // "-v1:0" is Bedrock's API revision; a later "-vN" names the model's own version (titan-embed-text-v2)
                base = base.replaceAll("-v1(:\\d+)?$", "").replaceAll("-\\d+:\\d+$", "").replaceAll(":\\d+$", "");
                if (DATE_SUFFIX.matcher(base.replaceAll("-v\\d+$", "")).find()) {
                    base = base.replaceAll("-v\\d+$", "");
                }
            }
        }
        Matcher vendor = VENDOR_PREFIX.matcher(base);
        if (vendor.find()) {
            orgHint = orgHint == null ? vendor.group(1) : orgHint;
            base = base.substring(vendor.end());
        }
        base = cleanSlug(base);
        String author = authorOf(base, orgHint, litellmProvider);
        return new Name(providerModel, author + "/" + base);
    }

    static String cleanSlug(String input) {
        // Vertex's "@YYMM" on a Mistral model is Mistral's dated build (codestral@2405 = codestral-2405);
        // any other "@version" (@001, @20240620, @default, @latest) is Vertex's revision of the same model
        String base = YYMM_VERSION.matcher(input).replaceFirst("-$1").replaceAll("@.*$", "").replace(':', '-').replace('_', '.');
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String suffix : DROPPED_SUFFIXES) {
                if (base.endsWith(suffix) && base.length() > suffix.length()) {
                    base = base.substring(0, base.length() - suffix.length());
                    changed = true;
                }
            }
            Matcher date = DATE_SUFFIX.matcher(base);
            if (date.find()) {
                base = base.substring(0, date.start());
                changed = true;
            }
        }
        base = FIREWORKS_VERSION.matcher(base).replaceAll("$1.$2");
        base = SHORT_DATE_SUFFIX.matcher(base).replaceFirst("");
        base = base.replaceFirst("^qwen-v(?=\\d)", "qwen-").replaceFirst("^zai-glm-", "glm-").replaceFirst("^gpt-35-", "gpt-3.5-")
                .replaceFirst("^gemini-gemma-", "gemma-");
        if (base.startsWith("code-llama-")) {
            base = "codellama-" + base.substring("code-llama-".length());
        }
        if (base.startsWith("meta-llama-")) {
            base = base.substring("meta-".length());
        }
        Matcher llama = LLAMA_VERSION.matcher(base);
        if (llama.find()) {
            String version = llama.group(2) == null ? llama.group(1) : llama.group(1) + "." + llama.group(2);
            base = "llama-" + version + "-" + base.substring(llama.end());
        }
        base = DIGIT_PAIR.matcher(base).replaceAll("$1.$2");
        base = LLAMA4.matcher(base).replaceFirst("llama-4-$1");
        Matcher chat = LLAMA_CHAT.matcher(base);
        if (chat.matches()) {
            base = "llama-" + chat.group(1) + "-" + chat.group(2) + "-instruct";
        }
        Matcher claude = CLAUDE_ORDER.matcher(base);
        if (claude.matches()) {
            base = "claude-" + claude.group(2) + "-" + claude.group(1) + claude.group(3);
        }
        base = base.replaceAll("[^a-z0-9.\\-]", "-").replaceAll("-{2,}", "-").replaceAll("^-|-$", "");
        return base.isEmpty() ? "model" : base;
    }

    /**
     * The name two spellings of one model share: the slug without its author's name in front, without
     * dashes, dots, underscores, a version's {@code .0} and Fireworks' {@code p} between version digits ({@code z-ai/glm-4p5},
     * {@code z-ai/glm-4.5} and {@code deepseek/v3}, {@code deepseek/deepseek-v3} agree). The import keeps
     * no two models with the same loose key.
     */
    public static String looseKey(String modelId) {
        int slash = modelId.indexOf('/');
        String author = modelId.substring(0, slash);
        String slug = modelId.substring(slash + 1);
        if (slug.startsWith(author) && slug.length() > author.length()) {
            slug = slug.substring(author.length());
        }
        return author + "/" + looseSlug(slug);
    }

    /** {@link #looseKey} of a slug alone, to find a maker's model behind a provider used as author. */
    public static String looseSlug(String slug) {
        return LOOSE_VERSION.matcher(slug).replaceAll("$1$2").replaceAll("\\.0(?=-|$)", "").replaceAll("[^a-z0-9]", "");
    }

    /** Whether {@code author} is a model maker the rules know (not a provider filed as author). */
    public static boolean knownMaker(String author) {
        return FAMILIES.containsValue(author) || ORGS.containsValue(author);
    }

    private static String authorOf(String slug, String orgHint, String litellmProvider) {
        for (Map.Entry<String, String> family : FAMILIES.entrySet()) {
            String prefix = family.getKey();
            if (slug.startsWith(prefix) && (slug.length() == prefix.length()
                    || !Character.isLetter(slug.charAt(prefix.length())))) {
                return family.getValue();
            }
        }
        if (orgHint != null) {
            String org = orgHint.replaceAll("[^a-z0-9.\\-]", "-");
            return ORGS.getOrDefault(org, org);
        }
        return ProviderDirectory.slugOf(litellmProvider);
    }

    /** Drops LiteLLM's routing prefix ({@code groq/}, {@code vertex_ai/}) to get the provider's own model name. */
    static String stripRoutingPrefix(String key, String litellmProvider) {
        int slash = key.indexOf('/');
        if (slash <= 0) {
            return key;
        }
        String head = key.substring(0, slash).replace('-', '_');
        String provider = litellmProvider.replace('-', '_');
        if (head.equals(provider) || provider.startsWith(head + "_") || provider.startsWith(head + "-")
                || head.equals(provider.replace("_chat", ""))) {
            return key.substring(slash + 1);
        }
        return key;
    }
}
