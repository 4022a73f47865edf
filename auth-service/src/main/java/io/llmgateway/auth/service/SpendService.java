package io.llmgateway.auth.service;

import io.llmgateway.auth.persistence.AccountEntity;
import io.llmgateway.auth.persistence.ApiKeyEntity;
import io.llmgateway.auth.persistence.DebitBatchRepository;
import io.llmgateway.auth.persistence.DebitBatchRepository.DebitRow;
import io.llmgateway.auth.service.Settlement.Outcome;
import io.llmgateway.auth.stream.KeyEventPublisher;
import io.llmgateway.contracts.events.KeyEvent;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Debits a batch of generations in ONE transaction, exactly once per generation id: the ledger rows
 * (a replay, or a second entry of one generation in the same batch, inserts nothing), then each touched
 * account's balance and each touched key's period counters by the SUM of its new debits. After the commit,
 * and only for what was newly inserted, routing's pending reservations are released (one summed DECRBY per
 * counter) and ONE {@code KEY_UPDATED} per key and ONE {@code ACCOUNT_BALANCE} per account carry the final
 * state. A debit of an account that does not exist is reported back as poison and does not fail the batch.
 */
@ApplicationScoped
public class SpendService {

    private final Clock clock;
    private final Pool pool;
    private final DebitBatchRepository repository;
    private final PendingCounters pending;
    private final KeyEventPublisher events;
    private final RedisKeys keys;

    public SpendService(Clock clock, Pool pool, DebitBatchRepository repository, PendingCounters pending,
            KeyEventPublisher events, RedisKeys keys) {
        this.clock = clock;
        this.pool = pool;
        this.repository = repository;
        this.pending = pending;
        this.events = events;
        this.keys = keys;
    }

    /** Checks the fields a debit needs; a failure here makes the entry poison. */
    public static void validate(UsageEvent event) {
        if (event == null) {
            throw new PoisonEventException("empty event");
        }
        if (event.generationId() == null || event.generationId().isBlank() || event.generationId().length() > 128) {
            throw new PoisonEventException("missing or invalid generation_id");
        }
        if (event.accountId() == null || event.accountId().isBlank()) {
            throw new PoisonEventException("missing account_id");
        }
        if (event.cost() == null) {
            throw new PoisonEventException("missing cost");
        }
    }

    /**
     * Settles the debits (each already {@link #validate validated}); the answer has one outcome per debit, in
     * order. Fails as a whole, with nothing committed, when the transaction fails.
     */
    public Uni<Settlement> settle(List<Debit> debits) {
        debits.forEach(d -> validate(d.event()));
        Outcome[] outcomes = new Outcome[debits.size()];
        // the first entry of a generation is the one charged; later ones in the batch are replays
        Map<String, Integer> firsts = new LinkedHashMap<>();
        for (int i = 0; i < debits.size(); i++) {
            Debit d = debits.get(i);
            if (!d.chargeable()) {
                outcomes[i] = Outcome.FREE;
            } else if (firsts.putIfAbsent(d.event().generationId(), i) != null) {
                outcomes[i] = Outcome.REPLAYED;
            }
        }
        if (firsts.isEmpty()) {
            return Uni.createFrom().item(new Settlement(List.of(outcomes)));
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return pool.withTransaction(conn -> debit(conn, debits, firsts, outcomes, now))
                .call(committed -> pending.release(committed.releases()))
                .call(committed -> events.publishAll(committed.events()))
                .map(committed -> new Settlement(List.of(outcomes)));
    }

    /** What the transaction changed: the counters to release and the events to publish after it commits. */
    private record Committed(Map<String, Long> releases, List<KeyEventPublisher.Traced> events) {
    }

    private Uni<Committed> debit(SqlConnection conn, List<Debit> debits, Map<String, Integer> firsts,
            Outcome[] outcomes, Instant now) {
        Set<String> accountIds = new TreeSet<>();
        firsts.values().forEach(i -> accountIds.add(debits.get(i).event().accountId()));
        return repository.lockAccounts(conn, accountIds).chain(existing -> {
            List<DebitRow> rows = new ArrayList<>();
            for (int i : firsts.values()) {
                UsageEvent e = debits.get(i).event();
                if (existing.contains(e.accountId())) {
                    rows.add(new DebitRow(e.generationId(), e.accountId(), debits.get(i).cost(), e.keyHash()));
                } else {
                    outcomes[i] = Outcome.UNKNOWN_ACCOUNT;
                }
            }
            if (rows.isEmpty()) {
                return Uni.createFrom().item(new Committed(Map.of(), List.of()));
            }
            return repository.insertDebits(conn, rows, now).chain(inserted -> {
                List<Integer> charged = new ArrayList<>();
                for (int i : firsts.values()) {
                    if (outcomes[i] == null) {
                        outcomes[i] = inserted.contains(debits.get(i).event().generationId()) ? Outcome.CHARGED
                                : Outcome.REPLAYED;
                        if (outcomes[i] == Outcome.CHARGED) {
                            charged.add(i);
                        }
                    }
                }
                return charged.isEmpty() ? Uni.createFrom().item(new Committed(Map.of(), List.of()))
                        : apply(conn, debits, charged, now);
            });
        });
    }

    /** Moves balances and key counters by the sums of the newly inserted debits. */
    private Uni<Committed> apply(SqlConnection conn, List<Debit> debits, List<Integer> charged, Instant now) {
        Map<String, BigDecimal> byAccount = new TreeMap<>();
        Map<String, BigDecimal> byKey = new TreeMap<>();
        Map<String, Long> accountMicros = new LinkedHashMap<>();
        Map<String, Long> keyMicros = new LinkedHashMap<>();
        // the latest entry touching an account or key lends its trace to the event that reports it
        Map<String, String> accountTrace = new LinkedHashMap<>();
        Map<String, String> keyTrace = new LinkedHashMap<>();
        for (int i : charged) {
            Debit d = debits.get(i);
            UsageEvent e = d.event();
            byAccount.merge(e.accountId(), d.cost(), BigDecimal::add);
            accountMicros.merge(e.accountId(), d.micros(), Long::sum);
            accountTrace.put(e.accountId(), d.traceparent());
            if (e.keyHash() != null) {
                String key = keyOf(e);
                byKey.merge(key, d.cost(), BigDecimal::add);
                keyMicros.merge(key, d.micros(), Long::sum);
                keyTrace.put(key, d.traceparent());
            }
        }
        // counter names built once per account and key, not per event
        Map<String, Long> releases = new LinkedHashMap<>();
        accountMicros.forEach((account, micros) -> releases.put(keys.accountPending(account), micros));
        // the key's pending counter is released even if the key is gone: routing reserved it
        keyMicros.forEach((key, micros) -> releases.put(keys.keyPending(accountOf(key), hashOf(key)), micros));
        return repository.debitAccounts(conn, byAccount, now).chain(accounts -> {
            Set<String> hashes = new TreeSet<>();
            byKey.keySet().forEach(k -> hashes.add(hashOf(k)));
            Uni<Map<String, ApiKeyEntity>> locked = hashes.isEmpty() ? Uni.createFrom().item(Map.of())
                    : repository.lockKeys(conn, hashes);
            return locked.chain(found -> {
                List<ApiKeyEntity> updated = new ArrayList<>();
                List<KeyEventPublisher.Traced> out = new ArrayList<>();
                byKey.forEach((accountAndHash, sum) -> {
                    ApiKeyEntity key = found.get(hashOf(accountAndHash));
                    // a key deleted since the request, or of another account, still leaves the account charged
                    if (key != null && key.accountId.equals(accountOf(accountAndHash))) {
                        LimitPeriods.add(key, sum, now);
                        key.version++;
                        key.updatedAt = now;
                        updated.add(key);
                        out.add(new KeyEventPublisher.Traced(new KeyEvent(KeyEvent.KEY_UPDATED, key.hash, key.accountId,
                                KeyMapper.state(key, accounts.get(key.accountId), now), null, now.toEpochMilli()),
                                keyTrace.get(accountAndHash)));
                    }
                });
                for (AccountEntity account : accounts.values()) {
                    out.add(new KeyEventPublisher.Traced(new KeyEvent(KeyEvent.ACCOUNT_BALANCE, null, account.id, null,
                            KeyMapper.money(account.balance), now.toEpochMilli()), accountTrace.get(account.id)));
                }
                return repository.updateKeys(conn, updated, now)
                        .replaceWith(new Committed(releases, Collections.unmodifiableList(out)));
            });
        });
    }

    // a key is counted per (account, hash): an event naming another account's key must not touch that key
    private static String keyOf(UsageEvent e) {
        return e.accountId() + "\n" + e.keyHash();
    }

    private static String accountOf(String accountAndHash) {
        return accountAndHash.substring(0, accountAndHash.indexOf('\n'));
    }

    private static String hashOf(String accountAndHash) {
        return accountAndHash.substring(accountAndHash.indexOf('\n') + 1);
    }
}
