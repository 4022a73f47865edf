package io.llmgateway.simulator.service;

import io.llmgateway.simulator.config.SimulatorConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deterministic output text, pre-tokenized at start-up so a request costs a substring, not a tokenizer
 * run. The paragraph is made of plain ASCII words so that every prefix cut at a token boundary
 * re-tokenizes to exactly that many tokens; the count reported is still measured (and cached) on the
 * text actually returned.
 */
@Startup // built at boot, which also loads the tokenizer: never on the event loop of a first request
@ApplicationScoped
public class FillerText {

    static final String PARAGRAPH = "The quick brown fox jumps over the lazy dog while the old man reads a long"
            + " book about the sea. A small bird sings in the green tree and the children play near the river."
            + " Every day the sun comes up over the hills and the town wakes to the sound of the morning bell.";
    /** What the simulated model "thinks": different words, so a test tells reasoning from answer text. */
    static final String THINKING = "First I read the question with care and then I check each part of it in"
            + " turn. Next I think about what the user wants to know and which facts matter most for a good"
            + " answer. Then I plan a short reply and make sure that every step follows from the one before.";

    private final String[] pieces;
    /** offsets[n] = length of the text made of the first n tokens. */
    private final int[] offsets;
    private final String text;
    private final ConcurrentHashMap<Integer, Integer> counts = new ConcurrentHashMap<>();

    @Inject
    public FillerText(SimulatorConfig config) {
        this(PARAGRAPH, config.simulator().maxOutputTokens());
    }

    /** The reasoning filler: the same promise as the answer filler, other words. */
    public static FillerText thinking(int max) {
        return new FillerText(THINKING, max);
    }

    private FillerText(String paragraph, int max) {
        // The first pass starts without a space, later passes with one: ". The" splits at the same place each time.
        int[] first = TokenCounter.encode(paragraph);
        int[] again = TokenCounter.encode(" " + paragraph);
        String[] firstPieces = decodeAll(first);
        String[] againPieces = decodeAll(again);
        pieces = new String[max];
        offsets = new int[max + 1];
        StringBuilder all = new StringBuilder(max * 6);
        for (int i = 0; i < max; i++) {
            String piece = i < first.length ? firstPieces[i] : againPieces[(i - first.length) % again.length];
            pieces[i] = piece;
            all.append(piece);
            offsets[i + 1] = all.length();
        }
        text = all.toString();
    }

    private static String[] decodeAll(int[] tokens) {
        String[] out = new String[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            out[i] = TokenCounter.decode(tokens[i]);
        }
        return out;
    }

    public int maxTokens() {
        return pieces.length;
    }

    /** The first {@code tokens} tokens of the filler as one string. */
    public String text(int tokens) {
        return text.substring(0, offsets[tokens]);
    }

    /** jtokkit's count of {@link #text(int)}, measured once per length. */
    public int countOf(int tokens) {
        return counts.computeIfAbsent(tokens, n -> TokenCounter.count(text(n)));
    }

    /** The text in stream chunks of {@code perChunk} tokens each (the last may be shorter). */
    public List<String> chunks(int tokens, int perChunk) {
        List<String> out = new ArrayList<>(tokens / perChunk + 1);
        for (int i = 0; i < tokens; i += perChunk) {
            out.add(text.substring(offsets[i], offsets[Math.min(tokens, i + perChunk)]));
        }
        return out;
    }
}
