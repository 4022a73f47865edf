package io.llmgateway.simulator.service;

import io.llmgateway.simulator.model.Fault;
import io.llmgateway.simulator.model.ProviderSettings;
import io.llmgateway.simulator.model.ProviderStats;
import io.llmgateway.simulator.model.RequestRecord;
import io.llmgateway.simulator.protocol.CachePrefix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Settings, stats and prompt cache of one simulated provider. Settings are swapped whole, so readers never see half a PUT. */
public final class ProviderState {

    /** Settings plus what was parsed from them, replaced atomically on PUT. */
    record Active(ProviderSettings settings, Fault fault, long faultUntil) {
    }

    /** Cache usage of one answer: tokens read from the cache and tokens written to it. */
    public record CacheUse(int read, int written) {
        public static final CacheUse NONE = new CacheUse(0, 0);
    }

    private volatile Active active;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong faulted = new AtomicLong();
    /** Ring of the newest requests: slot (start + i) % length is the i-th oldest. */
    private final RequestRecord[] ring;
    private final int recordedRequests;
    private int start;
    private int size;
    private final Set<Long> cached = ConcurrentHashMap.newKeySet();
    private final int cacheCapacity;

    ProviderState(int historySize, int recordedRequests, int cacheCapacity) {
        this.ring = new RequestRecord[Math.max(1, historySize)];
        this.recordedRequests = recordedRequests;
        this.cacheCapacity = cacheCapacity;
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
        synchronized (ring) {
            if (size == ring.length) {
                ring[start] = entry;
                start = (start + 1) % ring.length;
            } else {
                ring[(start + size) % ring.length] = entry;
                size++;
            }
            int leaving = size - 1 - recordedRequests; // the entry that just left the recorded window
            if (leaving >= 0) {
                int slot = (start + leaving) % ring.length;
                ring[slot] = ring[slot].withoutPayload();
            }
        }
    }

    /** Forgets the recorded requests only; counters, settings and the prompt cache stay. */
    public void clearRequests() {
        synchronized (ring) {
            Arrays.fill(ring, null);
            start = 0;
            size = 0;
        }
    }

    public ProviderStats stats() {
        List<RequestRecord> copy = new ArrayList<>(size);
        synchronized (ring) {
            for (int i = 0; i < size; i++) {
                copy.add(ring[(start + i) % ring.length]);
            }
        }
        return new ProviderStats(calls.get(), faulted.get(), copy);
    }

    /**
     * Resolves a request's cacheable prefixes against what this provider saw before: the longest prefix seen
     * is read; with explicit breakpoints (Anthropic) the rest up to the last breakpoint is written. Every prefix
     * is remembered. Implicit caching (OpenAI, Gemini) ignores prefixes shorter than {@code minTokens}.
     */
    public CacheUse cache(List<CachePrefix> prefixes, boolean explicit, int minTokens) {
        if (prefixes.isEmpty()) {
            return CacheUse.NONE;
        }
        if (cached.size() > cacheCapacity) {
            cached.clear(); // bounded memory under a benchmark; tests stay far below the bound
        }
        int read = 0;
        int last = 0;
        for (CachePrefix p : prefixes) {
            if (!explicit && p.tokens() < minTokens) {
                continue;
            }
            if (cached.contains(p.hash())) {
                read = Math.max(read, p.tokens());
            }
            last = Math.max(last, p.tokens());
        }
        for (CachePrefix p : prefixes) {
            if (explicit || p.tokens() >= minTokens) {
                cached.add(p.hash());
            }
        }
        return new CacheUse(read, explicit ? last - read : 0);
    }
}
