package io.llmgateway.routing.canonical;

/** Token counts of one generation as a provider reported them (present=false when it reported none). */
public final class TokenUsage {
    public long prompt;
    public long completion;
    public long reasoning;
    public long cached;
    public boolean present;

    public static TokenUsage of(long prompt, long completion, long reasoning, long cached) {
        TokenUsage u = new TokenUsage();
        u.prompt = prompt;
        u.completion = completion;
        u.reasoning = reasoning;
        u.cached = cached;
        u.present = true;
        return u;
    }
}
