package io.llmgateway.auth.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.llmgateway.auth.persistence.ApiKeyEntity;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LimitPeriodsTest {

    @Test
    void periodsStartAtUtcMidnightMondayAndTheFirst() {
        Instant lastSecondOfSunday = Instant.parse("2026-11-29T23:59:59.999999Z");
        Instant mondayMidnight = Instant.parse("2026-11-30T00:00:00Z");
        assertEquals(LocalDate.parse("2026-11-29"), LimitPeriods.dayStart(lastSecondOfSunday));
        assertEquals(LocalDate.parse("2026-11-23"), LimitPeriods.weekStart(lastSecondOfSunday));
        assertEquals(LocalDate.parse("2026-11-30"), LimitPeriods.weekStart(mondayMidnight));
        assertEquals(LocalDate.parse("2026-11-01"), LimitPeriods.monthStart(mondayMidnight));
        assertEquals(LocalDate.parse("2026-12-01"), LimitPeriods.monthStart(Instant.parse("2026-12-01T00:00:00Z")));
    }

    /**
     * A limited period's counter holds what was spent until the last instant of the period and is back
     * to the whole limit at the first instant of the next: midnight UTC, Monday (not Sunday), the first.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "daily,   10, 3,   2026-11-24T23:59:59Z, 2026-11-24T23:59:59.999Z, 7,   2026-11-25T00:00:00Z",
            "weekly,  5,  2,   2026-11-23T00:00:00Z, 2026-11-29T23:59:59Z,     3,   2026-11-30T00:00:00Z",
            "monthly, 5,  4.5, 2026-02-28T12:00:00Z, 2026-02-28T23:59:59Z,     0.5, 2026-03-01T00:00:00Z" })
    void counterResetsAtTheStartOfItsPeriodOnly(String period, String limit, String spent, Instant spentAt,
            Instant lastOfPeriod, String remainingThen, Instant firstOfNext) {
        ApiKeyEntity key = key(limit, period);
        LimitPeriods.add(key, new BigDecimal(spent), spentAt);
        assertEquals(0, new BigDecimal(remainingThen).compareTo(LimitPeriods.remaining(key, lastOfPeriod)));
        assertEquals(0, new BigDecimal(limit).compareTo(LimitPeriods.remaining(key, firstOfNext)));
    }

    @Test
    void dailyUsageCountsFromMidnightUtcWhileWeeklyAndTotalGoOn() {
        ApiKeyEntity key = key("10", LimitPeriods.DAILY);
        LimitPeriods.add(key, new BigDecimal("3"), Instant.parse("2026-11-24T23:59:59Z"));
        LimitPeriods.add(key, new BigDecimal("1"), Instant.parse("2026-11-25T00:00:01Z"));
        LimitPeriods.Usage usage = LimitPeriods.usage(key, Instant.parse("2026-11-25T00:00:02Z"));
        assertEquals(0, BigDecimal.ONE.compareTo(usage.daily()));
        assertEquals(0, new BigDecimal("4").compareTo(usage.weekly()));
        assertEquals(0, new BigDecimal("4").compareTo(usage.total()));
    }

    @Test
    void noResetCountsAllUsageAndRemainingNeverGoesNegative() {
        ApiKeyEntity key = key("1", null);
        LimitPeriods.add(key, new BigDecimal("0.75"), Instant.parse("2026-01-01T00:00:00Z"));
        LimitPeriods.add(key, new BigDecimal("0.75"), Instant.parse("2026-06-01T00:00:00Z"));
        assertEquals(0, BigDecimal.ZERO.compareTo(LimitPeriods.remaining(key, Instant.parse("2026-06-01T00:00:01Z"))));
        key.limitUsd = null;
        assertNull(LimitPeriods.remaining(key, Instant.parse("2026-06-01T00:00:01Z")));
    }

    private static ApiKeyEntity key(String limit, String reset) {
        ApiKeyEntity key = new ApiKeyEntity();
        key.limitUsd = new BigDecimal(limit);
        key.limitReset = reset;
        key.usageTotal = BigDecimal.ZERO;
        key.usageDaily = BigDecimal.ZERO;
        key.usageWeekly = BigDecimal.ZERO;
        key.usageMonthly = BigDecimal.ZERO;
        return key;
    }
}
