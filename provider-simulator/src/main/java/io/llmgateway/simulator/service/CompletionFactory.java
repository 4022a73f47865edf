package io.llmgateway.simulator.service;

import io.llmgateway.simulator.config.SimulatorConfig;
import io.llmgateway.simulator.model.ProviderSettings;
import io.llmgateway.simulator.protocol.Completion;
import io.llmgateway.simulator.protocol.Completion.Finish;
import io.llmgateway.simulator.protocol.SimRequest;
import io.llmgateway.simulator.service.ProviderState.CacheUse;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides what a simulated model answers: reasoning when asked, then filler text capped by max tokens, the
 * structured-output JSON, or a call of the requested tool.
 */
@ApplicationScoped
public class CompletionFactory {

    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private final FillerText filler;
    private final FillerText thinking;

    public CompletionFactory(FillerText filler, SimulatorConfig config) {
        this.filler = filler;
        this.thinking = FillerText.thinking(config.simulator().maxOutputTokens());
    }

    public Completion create(SimRequest request, ProviderSettings settings, CacheUse cache) {
        String id = id();
        long created = System.currentTimeMillis() / 1000;
        boolean stream = request.stream();
        int chunk = settings.chunkTokens();
        // Reasoning comes first and counts against the request's output cap, as with every real provider.
        String reasoning = null;
        List<String> reasoningChunks = List.of();
        int reasoningTokens = 0;
        Integer cap = request.maxTokens();
        if (request.reasoning() != null) {
            int n = Math.min(Math.min(settings.reasoningTokens(), request.reasoning().budget()), thinking.maxTokens());
            if (cap != null) {
                n = Math.min(n, cap);
                cap = cap - n;
            }
            reasoning = thinking.text(n);
            reasoningChunks = stream ? thinking.chunks(n, chunk) : List.of();
            reasoningTokens = thinking.countOf(n);
        }
        String fixed = request.tool() != null ? request.tool().argumentsJson() : request.structuredJson();
        if (fixed != null) { // tool arguments and structured outputs are whole JSON: never cut
            List<String> chunks = stream ? TokenCounter.split(fixed, chunk) : List.of();
            return new Completion(id, created, request.tool() != null ? "" : fixed, chunks, request.promptTokens(),
                    TokenCounter.count(fixed), request.tool() != null ? Finish.TOOL : Finish.STOP, request.tool(),
                    settings.omitUsage(), reasoning, reasoningChunks, reasoningTokens, cache.read(), cache.written());
        }
        int wanted = Math.min(settings.outputTokens(), filler.maxTokens());
        int n = cap == null ? wanted : Math.min(wanted, cap);
        Finish finish = n < wanted ? Finish.LENGTH : Finish.STOP;
        List<String> chunks = stream ? filler.chunks(n, chunk) : List.of();
        return new Completion(id, created, filler.text(n), chunks, request.promptTokens(), filler.countOf(n), finish,
                null, settings.omitUsage(), reasoning, reasoningChunks, reasoningTokens, cache.read(), cache.written());
    }

    /** 24 random alphanumerics: unique enough for a fake upstream, cheaper than a UUID. */
    private static String id() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] out = new char[24];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }
}
