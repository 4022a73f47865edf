package io.llmgateway.auth.service;

import io.llmgateway.auth.model.AccountBalance;
import io.llmgateway.auth.model.AccountCreated;
import io.llmgateway.auth.model.AccountView;
import io.llmgateway.auth.model.CreateAccountRequest;
import io.llmgateway.auth.model.CreditRequest;
import io.llmgateway.auth.model.Credits;
import io.llmgateway.auth.persistence.AccountEntity;
import io.llmgateway.auth.persistence.ApiKeyEntity;
import io.llmgateway.auth.persistence.LedgerEntryEntity;
import io.llmgateway.auth.persistence.LedgerRepository;
import io.llmgateway.auth.stream.KeyEventPublisher;
import io.llmgateway.contracts.error.GatewayException;
import io.llmgateway.contracts.events.KeyEvent;
import io.llmgateway.contracts.internal.KeyState;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** Accounts and their credits ledger, driven by the operator API. Events go out after commit. */
@ApplicationScoped
public class AccountService {

    private final Clock clock;
    private final LedgerRepository ledger;
    private final KeyEventPublisher events;
    private final KeyService keys;

    public AccountService(Clock clock, LedgerRepository ledger, KeyEventPublisher events, KeyService keys) {
        this.clock = clock;
        this.ledger = ledger;
        this.events = events;
        this.keys = keys;
    }

    public Uni<AccountCreated> create(CreateAccountRequest request) {
        if (request == null) {
            throw GatewayException.badRequest("Request body required");
        }
        String name = Validation.name(request.name(), "name");
        BigDecimal credits = Validation.usd(request.credits() == null ? BigDecimal.ZERO : request.credits(),
                "credits", false);
        Instant now = now();
        String secret = KeySecrets.newSecret();
        return Panache.withTransaction(() -> {
            AccountEntity account = new AccountEntity();
            account.id = UUID.randomUUID().toString();
            account.name = name;
            account.balance = credits;
            account.version = 1;
            account.createdAt = now;
            account.updatedAt = now;
            ApiKeyEntity key = keys.newKey(account.id, KeyState.MANAGEMENT, name + " management key", secret, now);
            Uni<?> topUp = credits.signum() > 0 ? entry(account.id, LedgerEntryEntity.TOPUP, credits, "initial credits", now).persist()
                    : Uni.createFrom().nullItem();
            return account.persist().chain(() -> topUp).chain(() -> key.persist())
                    .map(ignored -> List.of(
                            new KeyEvent(KeyEvent.KEY_UPDATED, key.hash, account.id, KeyMapper.state(key, account, now),
                                    null, now.toEpochMilli()),
                            new KeyEvent(KeyEvent.ACCOUNT_BALANCE, null, account.id, null,
                                    KeyMapper.money(account.balance), now.toEpochMilli())));
        }).call(events::publish).map(published -> new AccountCreated(published.get(0).accountId(), secret,
                published.get(0).keyHash()));
    }

    /** A top-up (positive) or adjustment (negative); the balance may go below zero only by adjustment. */
    public Uni<AccountBalance> addCredits(String accountId, CreditRequest request) {
        if (request == null || request.amount() == null) {
            throw GatewayException.badRequest("'amount' is required");
        }
        BigDecimal amount = Validation.usd(request.amount(), "amount", true);
        if (amount.signum() == 0) {
            throw GatewayException.badRequest("'amount' must not be zero");
        }
        String note = request.note() == null ? null : request.note().substring(0, Math.min(500, request.note().length()));
        Instant now = now();
        return Panache.withTransaction(() -> AccountEntity.<AccountEntity>findById(accountId, LockModeType.PESSIMISTIC_WRITE)
                .chain(account -> {
                    if (account == null) {
                        throw GatewayException.notFound("Unknown account");
                    }
                    account.balance = account.balance.add(amount);
                    account.version++;
                    account.updatedAt = now;
                    String kind = amount.signum() > 0 ? LedgerEntryEntity.TOPUP : LedgerEntryEntity.ADJUSTMENT;
                    return entry(accountId, kind, amount, note, now).persist()
                            .map(ignored -> new AccountBalance(accountId, KeyMapper.money(account.balance)));
                }))
                .call(balance -> events.publish(new KeyEvent(KeyEvent.ACCOUNT_BALANCE, null, accountId, null,
                        balance.balance(), now.toEpochMilli())));
    }

    public Uni<AccountView> get(String accountId) {
        return Panache.withSession(() -> AccountEntity.<AccountEntity>findById(accountId).chain(account -> {
            if (account == null) {
                throw GatewayException.notFound("Unknown account");
            }
            return ledger.credits(accountId).chain(credits -> ApiKeyEntity.count("accountId", accountId)
                    .map(count -> new AccountView(account.id, account.name, KeyMapper.money(account.balance),
                            KeyMapper.money(credits.totalCredits()), KeyMapper.money(credits.totalUsage()), count,
                            account.createdAt)));
        }));
    }

    public Uni<Credits> credits(String accountId) {
        return Panache.withSession(() -> ledger.credits(accountId))
                .map(c -> new Credits(KeyMapper.money(c.totalCredits()), KeyMapper.money(c.totalUsage())));
    }

    private static LedgerEntryEntity entry(String accountId, String kind, BigDecimal amount, String note, Instant now) {
        LedgerEntryEntity entry = new LedgerEntryEntity();
        entry.accountId = accountId;
        entry.kind = kind;
        entry.amount = amount;
        entry.note = note;
        entry.createdAt = now;
        return entry;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
