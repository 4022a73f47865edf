package io.llmgateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmgateway.contracts.internal.CatalogSnapshot;
import io.llmgateway.contracts.internal.Pricing;
import io.llmgateway.routing.canonical.CanonicalRequest;
import io.llmgateway.routing.canonical.Completion;
import io.llmgateway.routing.canonical.Json;
import io.llmgateway.routing.canonical.TokenUsage;
import io.llmgateway.routing.ingress.chat.ChatRequestParser;
import io.llmgateway.routing.selection.Candidate;
import io.llmgateway.routing.selection.CatalogCache;
import io.llmgateway.routing.selection.Pricer;
import io.llmgateway.routing.selection.Selector;
import io.llmgateway.routing.upstream.EndpointGuards;
import io.llmgateway.routing.upstream.protocol.AnthropicAdapter;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The in-process work routing-service does per request, without network, Redis or CDI:
 * <ul>
 * <li>{@code parse}: {@link ChatRequestParser#canonical} of a typical chat body (system + user message,
 * temperature, max_tokens, stream) from bytes;</li>
 * <li>{@code select}: {@link Selector#candidates} for a model served by 10 endpoints, in a snapshot of
 * 200 models and 12 providers (default order: weighted random pick by price, then fallbacks);</li>
 * <li>{@code translate}: an Anthropic Messages response (bytes) parsed, turned into OpenAI choices by
 * {@link AnthropicAdapter#response}, priced, and written as the OpenAI chat.completion body (bytes),
 * as Exchange.respond does.</li>
 * </ul>
 * Beans are built with their constructors: CatalogCache and EndpointGuards get null collaborators,
 * which the measured methods never touch (CatalogCache.install fills the index; EndpointGuards.healthy
 * only reads its in-memory breaker state).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmark {

    static final String MODEL = "openai/gpt-4o-mini";

    static final byte[] CHAT_BODY = ("{\"model\":\"" + MODEL + "\",\"stream\":true,\"temperature\":0.7,"
            + "\"max_tokens\":512,\"messages\":["
            + "{\"role\":\"system\",\"content\":\"You are a concise assistant. Answer in at most three sentences.\"},"
            + "{\"role\":\"user\",\"content\":\"Write one short paragraph about the sea, the tides and why the moon"
            + " matters for them, for a ten year old.\"}]}").getBytes(StandardCharsets.UTF_8);

    static final byte[] ANTHROPIC_RESPONSE = ("{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\",\"type\":\"message\","
            + "\"role\":\"assistant\",\"model\":\"claude-3-5-haiku-20241022\",\"content\":["
            + "{\"type\":\"text\",\"text\":\"The sea rises and falls twice a day because the moon pulls on the"
            + " water. Where the moon is overhead the water bulges toward it, and on the far side of the Earth"
            + " it bulges too, so most coasts see two high tides and two low tides every day.\"}],"
            + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":52,\"output_tokens\":61,\"cache_read_input_tokens\":0,"
            + "\"cache_creation_input_tokens\":0}}").getBytes(StandardCharsets.UTF_8);

    ChatRequestParser parser;
    Selector selector;
    AnthropicAdapter anthropic;
    CanonicalRequest request;
    Candidate anthropicCandidate;

    @Setup
    public void setup() {
        parser = new ChatRequestParser();
        CatalogCache catalog = new CatalogCache(null, null, null, null, null);
        catalog.install(snapshot());
        EndpointGuards health = new EndpointGuards(null, null, null, null);
        selector = new Selector(catalog, health);
        anthropic = new AnthropicAdapter();
        request = parser.canonical(ChatRequestParser.readObject(Buffer.buffer(CHAT_BODY)));
        List<Candidate> candidates = selector.candidates(request);
        if (candidates.size() != 10) {
            throw new IllegalStateException("expected 10 candidates, got " + candidates.size());
        }
        anthropicCandidate = candidates.stream().filter(c -> c.providerSlug().equals("anthropic")).findFirst()
                .orElse(candidates.get(0));
    }

    static CatalogSnapshot snapshot() {
        List<String> params = List.of("tools", "tool_choice", "response_format", "temperature", "top_p", "stop",
                "seed", "max_tokens", "frequency_penalty", "presence_penalty", "logprobs");
        String[] adapters = {"openai", "anthropic", "gemini"};
        List<CatalogSnapshot.Provider> providers = new ArrayList<>();
        String[] slugs = {"openai", "anthropic", "google", "azure", "together", "fireworks", "groq", "deepinfra",
            "lambda", "novita", "mistral", "cerebras"};
        for (int i = 0; i < slugs.length; i++) {
            String adapter = slugs[i].equals("anthropic") ? "anthropic" : slugs[i].equals("google") ? "gemini"
                    : adapters[0];
            providers.add(new CatalogSnapshot.Provider(slugs[i], slugs[i].toUpperCase(), adapter,
                    "http://127.0.0.1:8090/p/" + slugs[i] + "/v1", null, i % 5 == 4, false, "active"));
        }
        List<CatalogSnapshot.Model> models = new ArrayList<>();
        for (int m = 0; m < 200; m++) {
            String id = m == 0 ? MODEL : "vendor" + (m % 20) + "/model-" + m;
            int n = m == 0 ? 10 : 1 + m % 4;
            List<CatalogSnapshot.Endpoint> endpoints = new ArrayList<>();
            for (int e = 0; e < n; e++) {
                String slug = slugs[(m + e) % slugs.length];
                BigDecimal prompt = new BigDecimal("0.00000015").add(new BigDecimal("0.00000001").multiply(BigDecimal.valueOf(e)));
                Pricing pricing = new Pricing(prompt, prompt.multiply(BigDecimal.valueOf(4)), null, null, null, null, null);
                endpoints.add(new CatalogSnapshot.Endpoint(slug + "/" + id, slug, "model-" + m, 128000, 16384,
                        e % 3 == 0 ? "fp8" : null, pricing, params, true, 99.5, 350.0 + e * 10, 80.0 + e));
            }
            models.add(new CatalogSnapshot.Model(id, "Model " + m, 128000, List.of("text"), List.of("text"), params,
                    endpoints));
        }
        return new CatalogSnapshot(42, providers, models);
    }

    @Benchmark
    public CanonicalRequest parse() {
        return parser.canonical(ChatRequestParser.readObject(Buffer.buffer(CHAT_BODY)));
    }

    @Benchmark
    public List<Candidate> select() {
        return selector.candidates(request);
    }

    @Benchmark
    public byte[] translate() throws Exception {
        JsonNode body = Json.MAPPER.readTree(ANTHROPIC_RESPONSE);
        Completion completion = anthropic.response(body);
        TokenUsage u = completion.usage();
        BigDecimal cost = Pricer.cost(anthropicCandidate, u);
        ObjectNode out = Json.object();
        out.put("id", "gen-1732467000-abcdefghijklmnop");
        out.put("provider", anthropicCandidate.providerName());
        out.put("model", anthropicCandidate.model().id());
        out.put("object", "chat.completion");
        out.put("created", 1732467000L);
        out.set("choices", completion.choices());
        out.put("system_fingerprint", completion.systemFingerprint());
        ObjectNode usage = out.putObject("usage");
        usage.put("prompt_tokens", u.prompt);
        usage.put("completion_tokens", u.completion);
        usage.put("total_tokens", u.prompt + u.completion);
        usage.put("cost", cost);
        usage.put("is_byok", false);
        usage.putObject("prompt_tokens_details").put("cached_tokens", u.cached);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", u.reasoning);
        return Json.MAPPER.writeValueAsBytes(out);
    }
}
