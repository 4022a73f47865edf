package io.llmgateway.auth.support;

import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** What PostgreSQL holds of an account's money, read straight from the tables the tests assert on. */
@Singleton
public class Ledger {

    @Inject
    AgroalDataSource db;

    public BigDecimal balance(String accountId) {
        return decimal("SELECT balance FROM accounts WHERE id = ?", accountId);
    }

    public BigDecimal ledgerSum(String accountId) {
        return decimal("SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE account_id = ?", accountId);
    }

    /** How many ledger entries charged a generation: 1 once settled, never 2. */
    public long debits(String generationId) {
        return decimal("SELECT COUNT(*) FROM ledger_entries WHERE generation_id = ?", generationId).longValue();
    }

    /** One usage counter of a key (usage_total, usage_daily, ...). */
    public BigDecimal keyUsage(String hash, String column) {
        return decimal("SELECT " + column + " FROM api_keys WHERE hash = ?", hash);
    }

    public BigDecimal decimal(String sql, String arg) {
        return new BigDecimal(text(sql, arg));
    }

    /** The first column of the first row of a query with one parameter, as text. */
    public String text(String sql, String arg) {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, arg);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
