package io.llmgateway.auth.service;

import io.llmgateway.auth.persistence.AccountEntity;
import io.llmgateway.auth.persistence.ApiKeyEntity;
import io.llmgateway.auth.persistence.LedgerRepository;
import io.llmgateway.auth.stream.KeyEventPublisher;
import io.llmgateway.contracts.events.KeyEvent;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageEvent;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Debits one generation's cost: ledger row, account balance and key usage in one transaction,
 * exactly once per generation id. Only a debit that was newly inserted releases routing's pending
 * reservation and publishes the new state; a replay changes nothing.
 */
@ApplicationScoped
public class SpendService {

    private static final Logger LOG = Logger.getLogger(SpendService.class);
    private static final BigDecimal MICROS = BigDecimal.valueOf(1_000_000);

    private final Clock clock;
    private final LedgerRepository ledger;
    private final KeyEventPublisher events;
    private final ReactiveValueCommands<String, Long> counters;
    private final RedisKeys keys;

    public SpendService(Clock clock, LedgerRepository ledger, KeyEventPublisher events, ReactiveRedisDataSource redis,
            RedisKeys keys) {
        this.clock = clock;
        this.ledger = ledger;
        this.events = events;
        this.counters = redis.value(String.class, Long.class);
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

    /** True when this call debited the generation; false when there was nothing to charge or it was a replay. */
    public Uni<Boolean> settle(UsageEvent event) {
        validate(event);
        if (event.cost().signum() <= 0) {
            return Uni.createFrom().item(false);
        }
        BigDecimal cost = event.cost().setScale(9, RoundingMode.UP);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return Panache.withTransaction(() -> debit(event, cost, now)).chain(outcome -> {
            if (outcome == null) {
                LOG.debugf("generation %s was already debited", event.generationId());
                return Uni.createFrom().item(false);
            }
            long micros = event.costMicros() > 0 ? event.costMicros()
                    : cost.multiply(MICROS).setScale(0, RoundingMode.UP).longValueExact();
            return releasePending(event, micros).chain(() -> events.publish(outcome)).replaceWith(true);
        });
    }

    /** The events to publish after commit, or null when the generation was already debited. */
    private Uni<List<KeyEvent>> debit(UsageEvent event, BigDecimal cost, Instant now) {
        // Lock the account first: concurrent debits of one account serialize here, and an unknown
        // account is found before the ledger's foreign key would fail the insert.
        return AccountEntity.<AccountEntity>findById(event.accountId(), LockModeType.PESSIMISTIC_WRITE).chain(account -> {
            if (account == null) {
                throw new PoisonEventException("unknown account " + event.accountId());
            }
            return ledger.insertDebit(account.id, cost, event.generationId(), event.keyHash(), now).chain(inserted -> {
                if (!inserted) {
                    return Uni.createFrom().nullItem();
                }
                account.balance = account.balance.subtract(cost);
                account.version++;
                account.updatedAt = now;
                Uni<ApiKeyEntity> key = event.keyHash() == null ? Uni.createFrom().nullItem()
                        : ApiKeyEntity.findById(event.keyHash(), LockModeType.PESSIMISTIC_WRITE);
                return key.map(k -> {
                    List<KeyEvent> out = new ArrayList<>();
                    // a key deleted since the request, or of another account, still leaves the account charged
                    if (k != null && k.accountId.equals(account.id)) {
                        LimitPeriods.add(k, cost, now);
                        k.version++;
                        k.updatedAt = now;
                        out.add(new KeyEvent(KeyEvent.KEY_UPDATED, k.hash, k.accountId, KeyMapper.state(k, account, now),
                                null, now.toEpochMilli()));
                    }
                    out.add(new KeyEvent(KeyEvent.ACCOUNT_BALANCE, null, account.id, null,
                            KeyMapper.money(account.balance), now.toEpochMilli()));
                    return out;
                });
            });
        });
    }

    private Uni<Void> releasePending(UsageEvent event, long micros) {
        Uni<Long> account = counters.decrby(keys.accountPending(event.accountId()), micros);
        Uni<Long> key = event.keyHash() == null ? Uni.createFrom().item(0L)
                : counters.decrby(keys.keyPending(event.accountId(), event.keyHash()), micros);
        return account.chain(() -> key).replaceWithVoid().onFailure().recoverWithUni(failure -> {
            // the debit is committed; a stale reservation only makes routing stricter until it settles
            LOG.warnf("pending counters of account %s not released: %s", event.accountId(), failure.getMessage());
            return Uni.createFrom().voidItem();
        });
    }
}
