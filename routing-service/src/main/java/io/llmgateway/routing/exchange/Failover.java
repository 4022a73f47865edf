package io.llmgateway.routing.exchange;

import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.events.UsageAttempt;
import io.llmgateway.routing.config.RoutingConfig;
import io.llmgateway.routing.selection.Candidate;
import io.llmgateway.routing.upstream.AttemptFailure;
import io.llmgateway.routing.usage.UsageRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * The walk through one request's candidates: which endpoint to try next, whether a failed one is
 * tried again and after how long, and what the client is told when none answered. It keeps the
 * attempts as the usage event and the error body list them. The {@link Exchange} asks; this class
 * only answers, so the exchange stays the one place that acts.
 */
final class Failover {

    private final RoutingConfig.Upstream config;
    private final List<Candidate> candidates;
    private final List<UsageAttempt> attempts = new ArrayList<>();
    private int candidateIndex;
    private int triesOnCandidate;
    private int attemptsUsed;
    private int contextLimitFailed = -1;
    private String contextFailedModel;

    Failover(RoutingConfig.Upstream config, List<Candidate> candidates) {
        this.config = config;
        this.candidates = candidates;
    }

    List<UsageAttempt> attempts() {
        return attempts;
    }

    /** The candidate to try now, or null when none is left (or the attempts or time are used up). */
    Candidate next(long remainingMs) {
        while (candidateIndex < candidates.size()) {
            Candidate c = candidates.get(candidateIndex);
            if (contextLimitFailed >= 0 && c.model().id().equals(contextFailedModel)
                    && c.contextLength() <= contextLimitFailed) {
                skip(); // too long here is too long on this model's endpoints that are not larger
                continue;
            }
            if (attemptsUsed >= config.maxAttempts() || remainingMs <= 0) {
                return null;
            }
            return c;
        }
        return null;
    }

    /** Gives up on the current candidate. */
    void skip() {
        candidateIndex++;
        triesOnCandidate = 0;
    }

    void started() {
        attemptsUsed++;
        triesOnCandidate++;
    }

    void record(UsageAttempt attempt) {
        attempts.add(attempt);
    }

    /**
     * The guard refused an attempt before it reached the wire (circuit open, bulkhead full, or a
     * failure of ours): it does not count as an attempt; returns the outcome recorded.
     */
    String refused(Candidate c, Throwable cause) {
        attemptsUsed--;
        String outcome = cause instanceof CircuitBreakerOpenException ? "circuit_open"
                : cause instanceof BulkheadException ? "bulkhead_full" : "internal_error";
        attempts.add(new UsageAttempt(c.providerSlug(), c.endpointId(), c.model().id(), 503, outcome, 0,
                outcome.equals("internal_error") ? cause.getClass().getSimpleName() : null));
        return outcome;
    }

    /** The prompt was too long for this candidate: only larger endpoints of its model are tried. */
    void contextTooLong(Candidate c) {
        contextLimitFailed = c.contextLength();
        contextFailedModel = c.model().id();
    }

    /**
     * -1 = fail over now; else milliseconds to wait before retrying the same endpoint. Another
     * endpoint is the fastest cure; the same one is retried (after backoff or a short Retry-After)
     * only when it is the last one left.
     */
    long retryDelay(AttemptFailure f) {
        if (candidateIndex != candidates.size() - 1 || triesOnCandidate >= config.maxAttemptsPerEndpoint()) {
            return -1;
        }
        if (!f.retryable() || f.timeout) {
            return -1; // a silent endpoint is not waited on twice
        }
        if (f.retryAfterMs >= 0) {
            return f.retryAfterMs <= config.retryAfterMax().toMillis() ? f.retryAfterMs : -1;
        }
        long base = config.backoffBase().toMillis() << Math.max(0, triesOnCandidate - 1);
        long capped = Math.min(base, config.backoffMax().toMillis());
        return Math.max(1, capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    /** What the client is told when no candidate answered. */
    GatewayException exhausted() {
        boolean allRateLimited = !attempts.isEmpty() && attempts.stream().allMatch(a -> a.status() == 429);
        boolean noneTried = attempts.stream().noneMatch(a -> a.latencyMs() > 0 || a.status() != 503);
        int status = allRateLimited ? 429 : noneTried ? 503 : contextLimitFailed >= 0 && attempts.stream()
                .allMatch(a -> a.status() == 400) ? 400 : 502;
        String message = switch (status) {
            case 429 -> "All providers for this model are rate limited; retry shortly";
            case 503 -> "No provider available for this model right now";
            case 400 -> "The prompt is longer than every available endpoint's context length";
            default -> "All providers failed to answer";
        };
        return new GatewayException(status, message, Map.of("attempts", UsageRecorder.attemptsMeta(attempts)),
                status == 429 ? Map.of("Retry-After", "1") : null);
    }
}
