package io.llmgateway.routing.usage;

import io.llmgateway.routing.canonical.TokenUsage;

/**
 * A stream's token usage: what the provider reported, or, when it reported none (it was cut, or
 * never sends usage), an estimate from the prompt and the text generated so far. The generated text
 * is counted and dropped in pieces of about {@link #UNCOUNTED_TEXT_MAX} characters, cut before a
 * space (where a token starts, so the pieces count as the whole would), so a long answer does not
 * stay in memory until the stream ends.
 */
public final class StreamedUsage {

    private static final int UNCOUNTED_TEXT_MAX = 1024;

    private final StringBuilder uncounted = new StringBuilder();
    private long countedTokens;
    private TokenUsage reported = new TokenUsage();

    /** Generated text (content or reasoning), as it streams. */
    public void generated(String text) {
        uncounted.append(text);
        if (uncounted.length() > UNCOUNTED_TEXT_MAX) {
            int space = uncounted.lastIndexOf(" ");
            int cut = space > 0 ? space : uncounted.length(); // no space at all: the piece is counted whole
            countedTokens += Tokens.count(uncounted.substring(0, cut));
            uncounted.delete(0, cut);
        }
    }

    /** The provider's usage; an empty one (no figures) leaves what was reported before. */
    public void reported(TokenUsage usage) {
        if (usage.present) {
            reported = usage;
        }
    }

    /** Whether the figures are the gateway's estimate rather than the provider's. */
    public boolean estimated() {
        return !reported.present;
    }

    /** The provider's figures, or the estimate for this prompt. */
    public TokenUsage usage(PromptText prompt) {
        if (reported.present) {
            return reported;
        }
        return TokenUsage.of(prompt.tokens(), countedTokens + Tokens.count(uncounted.toString()), 0, 0);
    }
}
