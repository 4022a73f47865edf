package io.llmgateway.auth;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.auth.stream.UsageConsumer;
import io.llmgateway.auth.support.Api;
import io.llmgateway.auth.support.KeyState;
import io.llmgateway.auth.support.UsageStream;
import io.llmgateway.auth.support.Ledger;
import io.llmgateway.auth.support.TestClock;
import io.llmgateway.contracts.events.KeyEvent;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Debits from the usage stream on real Redis and PostgreSQL: exactly once, reclaimed, dead-lettered. */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class UsageDebitTest {

    @Inject
    UsageStream usageStream;
    @Inject
    KeyState keyState;
    @Inject
    Ledger ledger;
    @Inject
    TestClock clock;

    @Test
    void aUsageEventDeliveredTwiceIsChargedOnce() throws Exception {
        Api.Account account = Api.account("25.00");
        Api.Key key = Api.key(account, "{\"name\":\"spender\",\"limit\":1}");
        keyState.reserve(account, key, 12_300L);
        UsageEvent event = usage("gen-1-" + UUID.randomUUID(), account.id(), key.hash(), "0.0123", 12_300);
        usageStream.publish(event);
        usageStream.publish(event);

        Api.eventually(() -> ledger.balance(account.id()).compareTo(new BigDecimal("24.9877")) == 0 ? true : null);
        usageStream.publish(event); // a third, late replay
        Api.eventually(() -> usageStream.pending() == 0 && usageStream.length() >= 3 ? true : null);

        assertEquals(1, ledger.debits(event.generationId()));
        assertEquals(0, new BigDecimal("24.9877").compareTo(ledger.balance(account.id())));
        assertEquals(0, ledger.balance(account.id()).compareTo(ledger.ledgerSum(account.id())),
                "balance agrees with the ledger");
        assertEquals(0L, keyState.accountPending(account.id()), "reservation released once");
        assertEquals(0L, keyState.keyPending(account, key));

        Response current = given().header("Authorization", "Bearer " + key.secret()).get("/api/v1/key").then()
                .statusCode(200).extract().response();
        assertEquals(0, new BigDecimal("0.0123").compareTo(decimal(current, "data.usage")));
        assertEquals(0, new BigDecimal("0.9877").compareTo(decimal(current, "data.limit_remaining")));
        given().header("Authorization", "Bearer " + account.managementKey()).get("/api/v1/credits").then()
                .statusCode(200).body("data.total_usage", org.hamcrest.Matchers.equalTo(0.0123f));

        List<KeyEvent> events = keyState.events();
        assertTrue(events.stream().anyMatch(e -> KeyEvent.KEY_UPDATED.equals(e.type()) && key.hash().equals(e.keyHash())
                && e.state().limitRemaining().compareTo(new BigDecimal("0.9877")) == 0));
        assertEquals(1, events.stream().filter(e -> KeyEvent.ACCOUNT_BALANCE.equals(e.type())
                && account.id().equals(e.accountId()) && e.accountBalance().compareTo(new BigDecimal("24.9877")) == 0)
                .count(), "one balance event for one debit");
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("auth_debits_total") && !l.endsWith(" 0.0")),
                "debits are counted for the ledger-lag alert");
    }

    @Test
    void entriesOfADeadConsumerAreReclaimedAndChargedOnce() throws Exception {
        Api.Account account = Api.account("5");
        Api.Key key = Api.key(account, "{\"name\":\"k\"}");
        UsageEvent event = usage("gen-2-" + UUID.randomUUID(), account.id(), key.hash(), "0.5", 500_000);
        Api.eventually(() -> usageStream.addAndAbandon(event));
        usageStream.publish(event); // the same generation also arrives normally: still one charge
        Api.eventually(() -> usageStream.pending() == 0 ? true : null);
        assertEquals(1, ledger.debits(event.generationId()));
        assertEquals(0, new BigDecimal("4.5").compareTo(ledger.balance(account.id())));
        assertEquals(0, ledger.balance(account.id()).compareTo(ledger.ledgerSum(account.id())));
    }

    @Test
    void poisonEntriesGoToTheDeadLetterStream() {
        String broken = usageStream.add("{not json");
        String incomplete = usageStream.add("{\"generation_id\":\"gen-3-x\",\"cost\":1}");
        String unknownAccount = usageStream.add(
                "{\"generation_id\":\"gen-4-x\",\"account_id\":\"nobody\",\"cost\":1,\"cost_micros\":1000000}");
        List<StreamMessage<String, String, String>> dead = Api.eventually(() -> {
            List<StreamMessage<String, String, String>> all = usageStream.deadLetters();
            List<String> sources = all.stream().map(m -> m.payload().get("source_id")).toList();
            return sources.containsAll(List.of(broken, incomplete, unknownAccount)) ? all : null;
        });
        assertTrue(dead.stream().allMatch(m -> m.payload().get("reason") != null && !m.payload().get("reason").isBlank()));
        assertTrue(dead.stream().anyMatch(m -> m.payload().get("reason").contains("account_id")));
        assertTrue(dead.stream().anyMatch(m -> m.payload().get("reason").contains("unknown account")));
        Api.eventually(() -> usageStream.pending() == 0 ? true : null);
    }

    @Test
    void anUnknownAccountInABatchDeadLettersOnlyItsEntry() throws Exception {
        Api.Account account = Api.account("10");
        Api.Key key = Api.key(account, "{\"name\":\"k\"}");
        UsageEvent good1 = usage("gen-7-" + UUID.randomUUID(), account.id(), key.hash(), "1", 1_000_000);
        UsageEvent stranger = usage("gen-8-" + UUID.randomUUID(), "nobody-" + UUID.randomUUID(), null, "1", 1_000_000);
        UsageEvent good2 = usage("gen-9-" + UUID.randomUUID(), account.id(), key.hash(), "2", 2_000_000);
        List<String> ids = usageStream.addAtomically(good1, stranger, good2, good1);

        Api.eventually(() -> ledger.balance(account.id()).compareTo(new BigDecimal("7")) == 0
                && usageStream.pending() == 0 ? true : null);
        List<String> deadSources = usageStream.deadLetters().stream()
                .map(m -> m.payload().get("source_id")).toList();
        assertTrue(deadSources.contains(ids.get(1)), "the unknown account's entry is dead-lettered");
        assertFalse(deadSources.contains(ids.get(0)) || deadSources.contains(ids.get(2)) || deadSources.contains(ids.get(3)),
                "the others are not");
        assertEquals(1, ledger.debits(good1.generationId()));
        assertEquals(0, ledger.balance(account.id()).compareTo(ledger.ledgerSum(account.id())));
    }

    @Test
    void anEntryTheDatabaseKeepsRejectingIsDeadLetteredAfterMaxDeliveries() throws Exception {
        Api.Account account = Api.account("10");
        // a valid event whose amount does not fit the ledger's NUMERIC(20, 9): SQLSTATE 22003 on every attempt
        UsageEvent huge = usage("gen-10-" + UUID.randomUUID(), account.id(), null, "100000000000000", 1);
        UsageEvent fine = usage("gen-11-" + UUID.randomUUID(), account.id(), null, "0.5", 500_000);
        List<String> ids = usageStream.addAtomically(huge, fine);

        // the batch fails, its entries are then settled one by one: the good one is not held back
        Api.eventually(() -> ledger.balance(account.id()).compareTo(new BigDecimal("9.5")) == 0 ? true : null);
        StreamMessage<String, String, String> dead = Api.eventually(() -> usageStream.deadLetters().stream()
                .filter(m -> ids.get(0).equals(m.payload().get("source_id"))).findFirst().orElse(null));
        assertTrue(dead.payload().get("reason").startsWith("not debited after 3 deliveries"), dead.payload().get("reason"));
        assertTrue(dead.payload().get("reason").contains("22003"), dead.payload().get("reason"));
        Api.eventually(() -> usageStream.pending() == 0 ? true : null);
        assertEquals(0, ledger.debits(huge.generationId()));
        assertEquals(0, ledger.balance(account.id()).compareTo(ledger.ledgerSum(account.id())));
    }

    @Test
    void keyLimitsResetAtUtcMidnightWithTheClock() throws Exception {
        clock.set(Instant.parse("2026-11-29T23:59:00Z")); // a Sunday
        Api.Account account = Api.account("10");
        Api.Key daily = Api.key(account, "{\"name\":\"daily\",\"limit\":1,\"limit_reset\":\"daily\"}");
        Api.Key weekly = Api.key(account, "{\"name\":\"weekly\",\"limit\":1,\"limit_reset\":\"weekly\"}");
        usageStream.publish(usage("gen-5-" + UUID.randomUUID(), account.id(), daily.hash(), "0.4", 400_000));
        usageStream.publish(usage("gen-6-" + UUID.randomUUID(), account.id(), weekly.hash(), "0.25", 250_000));
        Api.eventually(() -> ledger.balance(account.id()).compareTo(new BigDecimal("9.35")) == 0 ? true : null);

        assertEquals(0, new BigDecimal("0.6").compareTo(remaining(daily)));
        assertEquals(0, new BigDecimal("0.75").compareTo(remaining(weekly)));

        clock.set(Instant.parse("2026-11-30T00:00:00Z")); // Monday: a new day and a new week
        assertEquals(0, BigDecimal.ONE.compareTo(remaining(daily)));
        assertEquals(0, BigDecimal.ONE.compareTo(remaining(weekly)));
        Response state = given().get("/internal/keys/" + daily.hash()).then().statusCode(200).extract().response();
        assertEquals(0, BigDecimal.ONE.compareTo(decimal(state, "limit_remaining")));
        Response current = given().header("Authorization", "Bearer " + daily.secret()).get("/api/v1/key").then()
                .statusCode(200).extract().response();
        assertEquals(0, BigDecimal.ZERO.compareTo(decimal(current, "data.usage_daily")));
        assertEquals(0, new BigDecimal("0.4").compareTo(decimal(current, "data.usage")));
    }

    @Test
    void eventsArrivingOneByOneShareTransactions() throws Exception {
        // 15 ms apart, longer than a settlement here: without the linger (gateway.usage.linger=0) each read
        // brings one entry, 30-40 transactions for 40 events; with 50 ms about 10
        Api.Account account = Api.account("10");
        int n = 40;
        for (int i = 0; i < n; i++) {
            usageStream.publish(usage("gen-12-" + UUID.randomUUID(), account.id(), null, "0.01", 10_000));
            Thread.sleep(15);
        }
        Api.eventually(() -> ledger.balance(account.id()).compareTo(new BigDecimal("9.6")) == 0 ? true : null);
        // a batch's debits carry the batch's one timestamp
        long transactions = ledger.decimal("SELECT COUNT(DISTINCT created_at) FROM ledger_entries WHERE account_id = ?"
                + " AND generation_id IS NOT NULL", account.id()).longValue();
        assertTrue(transactions <= n / 2, transactions + " transactions for " + n + " events");
        assertEquals(0, ledger.balance(account.id()).compareTo(ledger.ledgerSum(account.id())));
    }

    @Test
    void consumerNamesAreUniquePerProcess() {
        UsageConsumer consumer = io.quarkus.arc.Arc.container().instance(UsageConsumer.class).get();
        assertTrue(consumer.consumerName().matches(".+-[0-9a-f]{8}"), consumer.consumerName());
    }

    private BigDecimal remaining(Api.Key key) {
        Response r = given().header("Authorization", "Bearer " + key.secret()).get("/api/v1/key").then().statusCode(200)
                .extract().response();
        return decimal(r, "data.limit_remaining");
    }

    private static BigDecimal decimal(Response response, String path) {
        return new BigDecimal(response.path(path).toString());
    }


    static UsageEvent usage(String generationId, String accountId, String keyHash, String cost, long micros) {
        return new UsageEvent(generationId, Instant.now().getEpochSecond(), keyHash, accountId, "openai/gpt-4o-mini",
                "openai/gpt-4o-mini", "openai", "ep-1", "gpt-4o-mini", "up-1", List.of(), 10, 20, 0, 0, false,
                new BigDecimal(cost), micros, 100, 50L, 80, false, false, UsageEvent.STATUS_SUCCESS, 200, "stop", "stop",
                null, null, null, null);
    }
}
