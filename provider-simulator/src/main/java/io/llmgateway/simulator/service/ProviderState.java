package io.llmgateway.simulator.service;

import io.llmgateway.simulator.model.Fault;
import io.llmgateway.simulator.model.ProviderSettings;
import io.llmgateway.simulator.model.ProviderStats;
import io.llmgateway.simulator.model.RequestRecord;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Settings and stats of one simulated provider. Settings are swapped whole, so readers never see half a PUT. */
public final class ProviderState {

    /** Settings plus what was parsed from them, replaced atomically on PUT. */
    record Active(ProviderSettings settings, Fault fault, long faultUntil) {
    }

    private volatile Active active;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong faulted = new AtomicLong();
    private final ArrayDeque<RequestRecord> history = new ArrayDeque<>();
    private final int historySize;

    ProviderState(int historySize) {
        this.historySize = historySize;
        this.active = new Active(ProviderSettings.DEFAULTS, Fault.NONE, Long.MAX_VALUE);
    }

    void configure(ProviderSettings settings, Fault fault, long now) {
        Long forMs = settings.fault().forMs();
        active = new Active(settings, fault, forMs == null ? Long.MAX_VALUE : now + forMs);
    }

    public ProviderSettings settings() {
        return active.settings();
    }

    /** Decides whether this call is faulted: the fault must not have expired, then it applies with its rate. */
    public Fault pickFault(long now) {
        Active a = active;
        if (a.fault().kind() == Fault.Kind.NONE || now >= a.faultUntil()) {
            return Fault.NONE;
        }
        double rate = a.settings().fault().rate();
        if (rate >= 1.0 || ThreadLocalRandom.current().nextDouble() < rate) {
            return a.fault();
        }
        return Fault.NONE;
    }

    public void record(RequestRecord entry, boolean wasFaulted) {
        calls.incrementAndGet();
        if (wasFaulted) {
            faulted.incrementAndGet();
        }
        synchronized (history) {
            if (history.size() >= historySize) {
                history.pollFirst();
            }
            history.addLast(entry);
        }
    }

    public ProviderStats stats() {
        List<RequestRecord> copy;
        synchronized (history) {
            copy = List.copyOf(history);
        }
        return new ProviderStats(calls.get(), faulted.get(), copy);
    }
}
