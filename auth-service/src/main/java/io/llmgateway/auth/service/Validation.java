package io.llmgateway.auth.service;

import io.llmgateway.contracts.error.GatewayException;
import java.math.BigDecimal;
import java.time.Instant;

/** Input rules shared by the key and account endpoints; every violation is a 400 saying what is wrong. */
final class Validation {

    /** NUMERIC(20, 9): at most 11 integer digits and 9 decimals. */
    private static final BigDecimal MAX_USD = new BigDecimal("100000000000");

    private Validation() {
    }

    static String name(String name, String field) {
        if (name == null || name.isBlank()) {
            throw GatewayException.badRequest("'" + field + "' is required");
        }
        if (name.length() > 200) {
            throw GatewayException.badRequest("'" + field + "' is longer than 200 characters");
        }
        return name.strip();
    }

    static BigDecimal usd(BigDecimal value, String field, boolean allowNegative) {
        if (value == null) {
            return null;
        }
        if (!allowNegative && value.signum() < 0) {
            throw GatewayException.badRequest("'" + field + "' must not be negative");
        }
        if (value.abs().compareTo(MAX_USD) >= 0) {
            throw GatewayException.badRequest("'" + field + "' is too large");
        }
        if (value.stripTrailingZeros().scale() > 9) {
            throw GatewayException.badRequest("'" + field + "' has more than 9 decimal places");
        }
        return value;
    }

    static String limitReset(String value) {
        if (value != null && !LimitPeriods.RESETS.contains(value)) {
            throw GatewayException.badRequest("'limit_reset' must be daily, weekly, monthly or null");
        }
        return value;
    }

    static Instant expiresAt(Instant value, Instant now) {
        if (value != null && !value.isAfter(now)) {
            throw GatewayException.badRequest("'expires_at' must be in the future");
        }
        return value;
    }

    static Integer perMinute(Integer value, String field) {
        if (value != null && value <= 0) {
            throw GatewayException.badRequest("'rate_limit." + field + "' must be a positive integer or null");
        }
        return value;
    }
}
