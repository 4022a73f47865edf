package io.llmgateway.auth.service;

import io.llmgateway.auth.persistence.ApiKeyEntity;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Set;

/**
 * Usage periods of a key: days start at midnight UTC, weeks on Monday, months on the 1st. A key's
 * counter stays valid only while its stored period start equals the current one.
 */
public final class LimitPeriods {

    public static final String DAILY = "daily";
    public static final String WEEKLY = "weekly";
    public static final String MONTHLY = "monthly";
    public static final Set<String> RESETS = Set.of(DAILY, WEEKLY, MONTHLY);

    private LimitPeriods() {
    }

    public static LocalDate dayStart(Instant now) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC);
    }

    public static LocalDate weekStart(Instant now) {
        return dayStart(now).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    public static LocalDate monthStart(Instant now) {
        return dayStart(now).withDayOfMonth(1);
    }

    /** A key's usage as of {@code now}: counters of a period that has ended read as zero. */
    public record Usage(BigDecimal total, BigDecimal daily, BigDecimal weekly, BigDecimal monthly) {

        public BigDecimal forReset(String limitReset) {
            if (limitReset == null) {
                return total;
            }
            return switch (limitReset) {
                case DAILY -> daily;
                case WEEKLY -> weekly;
                case MONTHLY -> monthly;
                default -> total;
            };
        }
    }

    public static Usage usage(ApiKeyEntity key, Instant now) {
        return new Usage(orZero(key.usageTotal),
                current(key.usageDaily, key.usageDay, dayStart(now)),
                current(key.usageWeekly, key.usageWeek, weekStart(now)),
                current(key.usageMonthly, key.usageMonth, monthStart(now)));
    }

    /** USD left of the key's limit in its current period, never below zero; null when unlimited. */
    public static BigDecimal remaining(ApiKeyEntity key, Instant now) {
        if (key.limitUsd == null) {
            return null;
        }
        BigDecimal left = key.limitUsd.subtract(usage(key, now).forReset(key.limitReset));
        return left.signum() < 0 ? BigDecimal.ZERO : left;
    }

    /** Adds spend to every counter, first starting a fresh counter for any period that has ended. */
    public static void add(ApiKeyEntity key, BigDecimal cost, Instant now) {
        Usage before = usage(key, now);
        key.usageTotal = before.total().add(cost);
        key.usageDaily = before.daily().add(cost);
        key.usageWeekly = before.weekly().add(cost);
        key.usageMonthly = before.monthly().add(cost);
        key.usageDay = dayStart(now);
        key.usageWeek = weekStart(now);
        key.usageMonth = monthStart(now);
    }

    private static BigDecimal current(BigDecimal value, LocalDate periodOfValue, LocalDate currentPeriod) {
        return value != null && currentPeriod.equals(periodOfValue) ? value : BigDecimal.ZERO;
    }

    private static BigDecimal orZero(BigDecimal value) {
        return value == null ? BigDecimal.ZERO : value;
    }
}
