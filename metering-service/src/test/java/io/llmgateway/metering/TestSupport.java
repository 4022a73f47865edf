package io.llmgateway.metering;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmgateway.contracts.events.RedisKeys;
import io.llmgateway.contracts.events.UsageAttempt;
import io.llmgateway.contracts.events.UsageEvent;
import io.quarkus.redis.datasource.RedisDataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.ConfigProvider;

/** Builders for usage events, plain JDBC for checking what was stored, and a polling helper. */
final class TestSupport {

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private TestSupport() {
    }

    static String newAccount() {
        return "acct-" + UUID.randomUUID().toString().substring(0, 12);
    }

    static UsageEvent event(String account, String key, String model, String provider, long createdAt,
            long prompt, long completion, String cost, long latency, Long ttft, String status, int httpStatus) {
        String id = "gen-" + createdAt + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        return new UsageEvent(id, createdAt, key, account, model, model, provider, provider + "/" + model, model + "-native",
                "up-" + id, List.of(new UsageAttempt(provider, provider + "/" + model, model, httpStatus,
                        status, latency, null)), prompt, completion, completion / 10, prompt / 5, false,
                new BigDecimal(cost), new BigDecimal(cost).movePointRight(6).setScale(0, java.math.RoundingMode.CEILING)
                        .longValueExact(),
                latency, ttft, ttft == null ? latency : latency - ttft, true, UsageEvent.STATUS_CANCELLED.equals(status),
                status, httpStatus, "stop", "stop", null, "https://example.test", "tests", null);
    }

    static UsageEvent ok(String account, String key, String model, String provider, long createdAt, String cost) {
        return event(account, key, model, provider, createdAt, 100, 50, cost, 800, 200L, UsageEvent.STATUS_SUCCESS,
                200);
    }

    static String publish(RedisDataSource redis, RedisKeys keys, UsageEvent e) {
        return publishRaw(redis, keys, Map.of(RedisKeys.DATA_FIELD, json(e), RedisKeys.TRACEPARENT_FIELD,
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
    }

    static String publishRaw(RedisDataSource redis, RedisKeys keys, Map<String, String> fields) {
        return redis.stream(String.class).xadd(keys.usageStream(), fields);
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Connection db() throws SQLException {
        var c = ConfigProvider.getConfig();
        return DriverManager.getConnection(c.getValue("quarkus.datasource.jdbc.url", String.class),
                c.getValue("quarkus.datasource.username", String.class),
                c.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
    }

    /** First column of the first row of a query (null when no row). */
    static Object scalar(String sql) {
        try (Connection c = db(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getObject(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static long count(String sql) {
        Object v = scalar(sql);
        return v == null ? 0 : ((Number) v).longValue();
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        fail("timed out waiting for: " + what);
    }
}
