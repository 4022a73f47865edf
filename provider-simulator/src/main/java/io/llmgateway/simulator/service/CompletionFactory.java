package io.llmgateway.simulator.service;

import io.llmgateway.simulator.model.ProviderSettings;
import io.llmgateway.simulator.protocol.Completion;
import io.llmgateway.simulator.protocol.Completion.Finish;
import io.llmgateway.simulator.protocol.SimRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Decides what a simulated model answers: filler text capped by max tokens, or a call of the requested tool. */
@ApplicationScoped
public class CompletionFactory {

    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private final FillerText filler;

    public CompletionFactory(FillerText filler) {
        this.filler = filler;
    }

    public Completion create(SimRequest request, ProviderSettings settings) {
        String id = id();
        long created = System.currentTimeMillis() / 1000;
        if (request.tool() != null) {
            String arguments = request.tool().argumentsJson();
            List<String> chunks = request.stream() ? TokenCounter.split(arguments, settings.chunkTokens()) : List.of();
            return new Completion(id, created, "", chunks, request.promptTokens(), TokenCounter.count(arguments),
                    Finish.TOOL, request.tool(), settings.omitUsage());
        }
        int wanted = Math.min(settings.outputTokens(), filler.maxTokens());
        int n = request.maxTokens() == null ? wanted : Math.min(wanted, request.maxTokens());
        Finish finish = n < wanted ? Finish.LENGTH : Finish.STOP;
        List<String> chunks = request.stream() ? filler.chunks(n, settings.chunkTokens()) : List.of();
        return new Completion(id, created, filler.text(n), chunks, request.promptTokens(), filler.countOf(n), finish,
                null, settings.omitUsage());
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
