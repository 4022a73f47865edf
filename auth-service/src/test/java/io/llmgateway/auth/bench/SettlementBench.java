package io.llmgateway.auth.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.llmgateway.auth.config.AuthConfig;
import io.llmgateway.auth.support.Api;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageEvent;
import io.llmgateway.testsupport.RealInfrastructure;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Settlement throughput of the usage consumer, not part of the test suite (the name matches no surefire
 * include; run it by name, see docs/benchmarks.md "auth-service settlement"). XADDs
 * {@code bench.events} (20,000) usage events for {@code bench.accounts} (50) accounts, one key each, into
 * this run's private stream prefix and times until every debit is in the ledger and every entry acknowledged;
 * then checks the money: each balance equals its ledger, each key's usage its debits, every pending counter 0.
 */
@QuarkusTest
@WithTestResource(RealInfrastructure.class)
class SettlementBench {

    private static final int EVENTS = Integer.getInteger("bench.events", 20_000);
    private static final int ACCOUNTS = Integer.getInteger("bench.accounts", 50);
    private static final int XADD_CHUNK = 500;

    @Inject
    RedisDataSource redis;
    @Inject
    ReactiveRedisDataSource reactive;
    @Inject
    RedisKeys keys;
    @Inject
    ObjectMapper mapper;
    @Inject
    AgroalDataSource db;
    @Inject
    AuthConfig config;

    @Test
    void settleManyEvents() throws Exception {
        List<Api.Account> accounts = new ArrayList<>();
        List<Api.Key> accountKeys = new ArrayList<>();
        for (int a = 0; a < ACCOUNTS; a++) {
            Api.Account account = Api.account("1000");
            accounts.add(account);
            accountKeys.add(Api.key(account, "{\"name\":\"bench\",\"limit\":500,\"limit_reset\":\"daily\"}"));
        }
        List<String> entries = new ArrayList<>(EVENTS);
        Map<String, Long> pendingMicros = new HashMap<>();
        for (int i = 0; i < EVENTS; i++) {
            Api.Account account = accounts.get(i % ACCOUNTS);
            Api.Key key = accountKeys.get(i % ACCOUNTS);
            long micros = (i % 7 + 1) * 100L;
            BigDecimal cost = BigDecimal.valueOf(micros, 6);
            entries.add(mapper.writeValueAsString(new UsageEvent("bench-" + i, Instant.now().getEpochSecond(),
                    key.hash(), account.id(), "m", "m", "p", "e", "pm", "u", List.of(), 10, 20, 0, 0, false, cost,
                    micros, 1, 1L, 1, false, false, UsageEvent.STATUS_SUCCESS, 200, "stop", "stop", null, null, null,
                    null)));
            pendingMicros.merge(keys.accountPending(account.id()), micros, Long::sum);
            pendingMicros.merge(keys.keyPending(account.id(), key.hash()), micros, Long::sum);
        }
        // routing's reservations, which settlement must bring back to exactly 0
        pendingMicros.forEach((k, v) -> redis.value(Long.class).set(k, v));

        long started = System.nanoTime();
        for (int from = 0; from < EVENTS; from += XADD_CHUNK) {
            // pipelined on one connection, as routing's publisher does
            List<Request> adds = new ArrayList<>();
            for (String json : entries.subList(from, Math.min(EVENTS, from + XADD_CHUNK))) {
                adds.add(Request.cmd(Command.XADD).arg(keys.usageStream()).arg("*").arg(RedisKeys.DATA_FIELD).arg(json)
                        .arg(RedisKeys.TRACEPARENT_FIELD).arg(""));
            }
            reactive.getRedis().batch(adds).await().atMost(Duration.ofSeconds(30));
        }
        long added = System.nanoTime();
        long deadline = System.currentTimeMillis() + 600_000;
        while (debits() < EVENTS || pending() > 0) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not settled in 10 min: " + debits() + " debits, " + pending() + " pending");
            }
            Thread.sleep(20);
        }
        long settled = System.nanoTime();

        double seconds = (settled - started) / 1e9;
        String line = String.format("settlement: %d events, %d accounts, batch %d: xadd %.0f ms, all settled after"
                + " %.0f ms = %.0f events/s%n", EVENTS, ACCOUNTS,
                config.usage().batch(), (added - started) / 1e6, seconds * 1e3,
                EVENTS / seconds);
        System.out.print(line);
        writeResult(line);

        assertEquals(0, scalar("SELECT COUNT(*) FROM accounts a WHERE a.balance <> (SELECT COALESCE(SUM(amount), 0)"
                + " FROM ledger_entries l WHERE l.account_id = a.id)"), "every balance equals its ledger");
        assertEquals(0, scalar("SELECT COUNT(*) FROM api_keys k WHERE k.kind = 'inference' AND k.usage_total <>"
                + " (SELECT COALESCE(-SUM(amount), 0) FROM ledger_entries l WHERE l.key_hash = k.hash)"),
                "every key's usage equals its debits");
        for (String counter : pendingMicros.keySet()) {
            assertEquals(0L, redis.value(Long.class).get(counter), counter);
        }
    }

    private long debits() {
        return scalar("SELECT COUNT(*) FROM ledger_entries WHERE kind = 'debit'");
    }

    private long pending() {
        return redis.stream(String.class, String.class, String.class).xpending(keys.usageStream(), "auth")
                .getPendingCount();
    }

    private long scalar(String sql) {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void writeResult(String line) throws IOException {
        Path out = Path.of("target", "settlement-bench.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
