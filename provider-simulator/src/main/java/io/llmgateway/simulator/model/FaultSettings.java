package io.llmgateway.simulator.model;

/**
 * The fault part of a provider's settings as given to PUT /sim/providers/{provider}.
 *
 * @param type        fault string, e.g. {@code none}, {@code status:429}, {@code cut-after:3}
 * @param rate        probability (0..1) that one call is faulted
 * @param forMs       when set, the fault expires by itself that many ms after the PUT
 * @param retryAfterS Retry-After seconds sent with a 429; -1 sends no header
 */
public record FaultSettings(String type, double rate, Long forMs, int retryAfterS) {

    public static final FaultSettings NONE = new FaultSettings("none", 1.0, null, 1);
}
