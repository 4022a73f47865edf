package io.llmgateway.routing.canonical;

/**
 * Token counts of one generation as a provider reported them (present=false when it reported none).
 * {@code cached} (read from the provider's prompt cache) and {@code cacheWrite} (written to it) are
 * parts of {@code prompt}; {@code reasoning} is part of {@code completion}.
 */
public final class TokenUsage {
    public long prompt;
    public long completion;
    public long reasoning;
    public long cached;
    public long cacheWrite;
    public boolean present;

    public static TokenUsage of(long prompt, long completion, long reasoning, long cached) {
        return of(prompt, completion, reasoning, cached, 0);
    }

    public static TokenUsage of(long prompt, long completion, long reasoning, long cached, long cacheWrite) {
        TokenUsage u = new TokenUsage();
        u.prompt = prompt;
        u.completion = completion;
        u.reasoning = reasoning;
        u.cached = cached;
        u.cacheWrite = cacheWrite;
        u.present = true;
        return u;
    }
}
