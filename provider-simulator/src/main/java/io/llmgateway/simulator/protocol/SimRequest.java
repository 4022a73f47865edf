package io.llmgateway.simulator.protocol;

import java.util.List;

/**
 * What the simulator needs from a parsed upstream request, whatever the protocol.
 *
 * @param model          the requested model, echoed in the answer
 * @param stream         SSE answer wanted
 * @param promptTokens   jtokkit count of the prompt text
 * @param maxTokens      the request's output cap, null when absent
 * @param tool           the tool the answer calls, null for a text answer
 * @param includeUsage   OpenAI stream_options.include_usage (other protocols always carry usage)
 * @param legacy         OpenAI legacy /v1/completions form
 * @param reasoning      reasoning asked for, null when not
 * @param cachePrefixes  the prompt's cacheable prefixes, shortest first
 * @param explicitCache  the prefixes are explicit breakpoints (Anthropic cache_control), not automatic caching
 * @param structuredJson the JSON text a structured-output request is answered with, null for free text
 */
public record SimRequest(String model, boolean stream, int promptTokens, Integer maxTokens, ToolCall tool,
        boolean includeUsage, boolean legacy, Reasoning reasoning, List<CachePrefix> cachePrefixes,
        boolean explicitCache, String structuredJson) {

    /**
     * Reasoning the request asks for.
     *
     * @param budget  most reasoning tokens the request allows
     * @param visible the reasoning text is returned (else only counted, as with OpenRouter's exclude or Gemini
     *                without includeThoughts)
     */
    public record Reasoning(int budget, boolean visible) {
    }
}
