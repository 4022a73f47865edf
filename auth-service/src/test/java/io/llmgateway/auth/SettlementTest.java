package io.llmgateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.llmgateway.auth.service.Debit;
import io.llmgateway.auth.service.Settlement.Outcome;
import io.llmgateway.auth.service.Settlement;
import io.llmgateway.auth.service.SpendService;
import io.llmgateway.auth.support.Api;
import io.llmgateway.auth.support.KeyState;
import io.llmgateway.auth.support.Ledger;
import io.llmgateway.auth.support.TestClock;
import io.llmgateway.contracts.events.KeyEvent;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link SpendService#settle} on real PostgreSQL and Redis: a whole batch in one transaction, charged
 * exactly once per generation, balances and key counters moved by the sums, one key event per key and
 * account carrying the trace of the latest entry that touched it.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class SettlementTest {

    @Inject
    SpendService spend;
    @Inject
    KeyState keyState;
    @Inject
    Ledger ledger;
    @Inject
    TestClock clock;

    @Test
    void aGenerationTwiceInOneBatchIsChargedOnce() {
        Api.Account account = Api.account("10");
        Api.Key key = Api.key(account, "{\"name\":\"k\",\"limit\":5}");
        keyState.reserve(account, key, 300_000 + 250_000);
        String first = gen();
        String second = gen();
        List<Debit> batch = List.of(debit(first, account.id(), key.hash(), "0.3", 300_000),
                debit(second, account.id(), key.hash(), "0.25", 250_000),
                debit(first, account.id(), key.hash(), "0.3", 300_000),
                debit(gen(), account.id(), key.hash(), "0", 0));

        Settlement settlement = settle(batch);

        assertEquals(List.of(Outcome.CHARGED, Outcome.CHARGED, Outcome.REPLAYED, Outcome.FREE), settlement.outcomes());
        assertEquals(1, ledger.debits(first));
        assertEquals(0, new BigDecimal("9.45").compareTo(ledger.balance(account.id())));
        assertEquals(0, ledger.balance(account.id()).compareTo(ledger.ledgerSum(account.id())));
        assertEquals(0, new BigDecimal("0.55").compareTo(ledger.keyUsage(key.hash(), "usage_total")));
        assertEquals(0L, keyState.accountPending(account.id()), "reservations released once");
        assertEquals(0L, keyState.keyPending(account, key));
    }

    @Test
    void replayingAWholeBatchChargesAndPublishesNothing() {
        Api.Account account = Api.account("10");
        Api.Key key = Api.key(account, "{\"name\":\"k\"}");
        keyState.reserve(account, key, 3_000_000);
        List<Debit> batch = List.of(debit(gen(), account.id(), key.hash(), "1", 1_000_000),
                debit(gen(), account.id(), key.hash(), "2", 2_000_000));
        String before = keyState.lastEventId();
        assertEquals(List.of(Outcome.CHARGED, Outcome.CHARGED), settle(batch).outcomes());
        int eventsAfterFirst = keyState.eventsAfter(account.id(), before).size();

        assertEquals(List.of(Outcome.REPLAYED, Outcome.REPLAYED), settle(batch).outcomes());

        assertEquals(0, new BigDecimal("7").compareTo(ledger.balance(account.id())));
        assertEquals(0, ledger.balance(account.id()).compareTo(ledger.ledgerSum(account.id())));
        assertEquals(0, new BigDecimal("3").compareTo(ledger.keyUsage(key.hash(), "usage_total")));
        assertEquals(0L, keyState.accountPending(account.id()), "not released twice");
        assertEquals(0L, keyState.keyPending(account, key));
        assertEquals(2, eventsAfterFirst, "one KEY_UPDATED and one ACCOUNT_BALANCE for the batch");
        assertEquals(eventsAfterFirst, keyState.eventsAfter(account.id(), before).size(), "a replay publishes nothing");
    }

    @Test
    void mixedAccountsAndKeysMoveByTheirSums() {
        Random random = new Random(42);
        List<Api.Account> accounts = new ArrayList<>();
        List<Api.Key> keyList = new ArrayList<>();
        for (int a = 0; a < 3; a++) {
            Api.Account account = Api.account("100");
            accounts.add(account);
            keyList.add(Api.key(account, "{\"name\":\"a\"}"));
            keyList.add(Api.key(account, "{\"name\":\"b\"}"));
        }
        List<Debit> batch = new ArrayList<>();
        Map<String, BigDecimal> perAccount = new HashMap<>();
        Map<String, BigDecimal> perKey = new HashMap<>();
        Map<String, String> lastTrace = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            int a = random.nextInt(3);
            Api.Account account = accounts.get(a);
            // a cost with all nine decimals, some entries without a key, one naming another account's key
            BigDecimal cost = BigDecimal.valueOf(1 + random.nextInt(999_999_999), 9);
            String keyHash = i % 10 == 9 ? null : i == 4 ? keyList.get(((a + 1) % 3) * 2).hash()
                    : keyList.get(a * 2 + random.nextInt(2)).hash();
            String trace = "00-" + hex(32, random) + "-" + hex(16, random) + "-01";
            batch.add(new Debit(usage(gen(), account.id(), keyHash, cost, 0), trace));
            perAccount.merge(account.id(), cost, BigDecimal::add);
            lastTrace.put(account.id(), trace);
            if (keyHash != null && i != 4) {
                perKey.merge(keyHash, cost, BigDecimal::add);
                lastTrace.put(keyHash, trace);
            }
        }

        String before = keyState.lastEventId();
        Settlement settlement = settle(batch);

        assertEquals(60, settlement.outcomes().stream().filter(o -> o == Outcome.CHARGED).count());
        for (Api.Account account : accounts) {
            assertEquals(0, new BigDecimal("100").subtract(perAccount.get(account.id()))
                    .compareTo(ledger.balance(account.id())));
            assertEquals(0, ledger.balance(account.id()).compareTo(ledger.ledgerSum(account.id())),
                    "sum(ledger) == balance");
            List<Map.Entry<KeyEvent, String>> events = keyState.eventsAfter(account.id(), before);
            List<Map.Entry<KeyEvent, String>> balances = events.stream()
                    .filter(e -> KeyEvent.ACCOUNT_BALANCE.equals(e.getKey().type())).toList();
            assertEquals(1, balances.size(), "one ACCOUNT_BALANCE per account");
            assertEquals(0, ledger.balance(account.id()).compareTo(balances.get(0).getKey().accountBalance()));
            assertEquals(lastTrace.get(account.id()), balances.get(0).getValue(), "trace of the latest entry");
        }
        for (Api.Key key : keyList) {
            BigDecimal expected = perKey.getOrDefault(key.hash(), BigDecimal.ZERO);
            assertEquals(0, expected.compareTo(ledger.keyUsage(key.hash(), "usage_total")),
                    "key usage is the sum of its debits");
            assertEquals(0, expected.compareTo(ledger.decimal("SELECT COALESCE(-SUM(l.amount), 0) FROM ledger_entries l"
                    + " JOIN api_keys k ON k.hash = l.key_hash AND k.account_id = l.account_id WHERE l.key_hash = ?",
                    key.hash())));
            List<Map.Entry<KeyEvent, String>> updates = keyState.eventsAfter(null, before).stream()
                    .filter(e -> KeyEvent.KEY_UPDATED.equals(e.getKey().type()) && key.hash().equals(e.getKey().keyHash()))
                    .toList();
            assertEquals(expected.signum() == 0 ? 0 : 1, updates.size(), "one KEY_UPDATED per touched key");
            if (!updates.isEmpty()) {
                KeyEvent update = updates.get(0).getKey();
                assertEquals(0, expected.compareTo(ledger.keyUsage(key.hash(), "usage_total")));
                assertEquals(0, ledger.balance(update.accountId()).compareTo(update.state().accountBalance()),
                        "the key's state carries the account's balance after the whole batch");
                assertEquals(lastTrace.get(key.hash()), updates.get(0).getValue(), "trace of the latest entry");
            }
        }
    }

    @Test
    void anUnknownAccountFailsOnlyItsOwnDebit() {
        Api.Account account = Api.account("10");
        List<Debit> batch = List.of(debit(gen(), account.id(), null, "1", 1_000_000),
                debit(gen(), "nobody-" + UUID.randomUUID(), null, "1", 1_000_000),
                debit(gen(), account.id(), null, "2", 2_000_000));

        assertEquals(List.of(Outcome.CHARGED, Outcome.UNKNOWN_ACCOUNT, Outcome.CHARGED), settle(batch).outcomes());
        assertEquals(0, new BigDecimal("7").compareTo(ledger.balance(account.id())));
        assertEquals(0, ledger.balance(account.id()).compareTo(ledger.ledgerSum(account.id())));
    }

    @Test
    void keyPeriodCountersStayRightAcrossBatches() {
        clock.set(Instant.parse("2026-11-28T12:00:00Z")); // a Saturday
        Api.Account account = Api.account("100");
        Api.Key key = Api.key(account, "{\"name\":\"daily\",\"limit\":50,\"limit_reset\":\"daily\"}");
        settle(List.of(debit(gen(), account.id(), key.hash(), "1", 0)));

        clock.set(Instant.parse("2026-11-29T23:59:00Z")); // Sunday: a new day, the same week and month
        settle(List.of(debit(gen(), account.id(), key.hash(), "2", 0), debit(gen(), account.id(), key.hash(), "3", 0)));
        assertUsage(key, "6", "5", "6", "6");
        assertEquals(0, new BigDecimal("45").compareTo(ledger.decimal("SELECT limit_usd - usage_daily FROM api_keys"
                + " WHERE hash = ?", key.hash())));

        clock.set(Instant.parse("2026-11-30T00:00:00Z")); // Monday: a new day and week, still November
        settle(List.of(debit(gen(), account.id(), key.hash(), "4", 0), debit(gen(), account.id(), key.hash(), "0.5", 0)));
        assertUsage(key, "10.5", "4.5", "4.5", "10.5");

        clock.set(Instant.parse("2026-12-01T08:00:00Z")); // December
        settle(List.of(debit(gen(), account.id(), key.hash(), "0.25", 0)));
        assertUsage(key, "10.75", "0.25", "4.75", "0.25");
        assertEquals("2026-12-01", ledger.text("SELECT usage_day::text FROM api_keys WHERE hash = ?", key.hash()));
        assertEquals("2026-11-30", ledger.text("SELECT usage_week::text FROM api_keys WHERE hash = ?", key.hash()));
        assertEquals("2026-12-01", ledger.text("SELECT usage_month::text FROM api_keys WHERE hash = ?", key.hash()));
    }

    @Test
    void nothingToChargeNeedsNoDatabase() {
        Settlement settlement = settle(List.of(debit(gen(), "nobody", null, "0", 0)));
        assertEquals(List.of(Outcome.FREE), settlement.outcomes());
        assertNull(keyState.accountPending("nobody"));
    }

    private void assertUsage(Api.Key key, String total, String daily, String weekly, String monthly) {
        assertEquals(0, new BigDecimal(total).compareTo(ledger.keyUsage(key.hash(), "usage_total")), "total");
        assertEquals(0, new BigDecimal(daily).compareTo(ledger.keyUsage(key.hash(), "usage_daily")), "daily");
        assertEquals(0, new BigDecimal(weekly).compareTo(ledger.keyUsage(key.hash(), "usage_weekly")), "weekly");
        assertEquals(0, new BigDecimal(monthly).compareTo(ledger.keyUsage(key.hash(), "usage_monthly")), "monthly");
    }

    private Settlement settle(List<Debit> batch) {
        return spend.settle(batch).await().atMost(Duration.ofSeconds(30));
    }

    private static Debit debit(String generationId, String accountId, String keyHash, String cost, long micros) {
        return new Debit(usage(generationId, accountId, keyHash, new BigDecimal(cost), micros), "");
    }

    static UsageEvent usage(String generationId, String accountId, String keyHash, BigDecimal cost, long micros) {
        return new UsageEvent(generationId, Instant.now().getEpochSecond(), keyHash, accountId, "m", "m", "p", "e", "pm",
                "u", List.of(), 10, 20, 0, 0, false, cost, micros, 100, 50L, 80, false, false, UsageEvent.STATUS_SUCCESS,
                200, "stop", "stop", null, null, null, null);
    }

    private static String gen() {
        return "gen-s-" + UUID.randomUUID();
    }

    private static String hex(int digits, Random random) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < digits; i++) {
            out.append(Character.forDigit(random.nextInt(16), 16));
        }
        return out.toString();
    }

}
