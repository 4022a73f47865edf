package io.llmgateway.auth.persistence;

import io.llmgateway.auth.model.Credits;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Ledger queries that Panache's entity methods do not express. Call inside a session. */
@ApplicationScoped
public class LedgerRepository {

    // The unique generation_id makes a replayed usage event insert nothing; the row count tells.
    private static final String INSERT_DEBIT = """
            INSERT INTO ledger_entries (id, account_id, kind, amount, generation_id, key_hash, created_at)
            VALUES (nextval('ledger_entries_seq'), ?1, 'debit', ?2, ?3, ?4, ?5)
            ON CONFLICT (generation_id) DO NOTHING""";

    /** Inserts the debit of one generation; false when that generation was already debited. */
    public Uni<Boolean> insertDebit(String accountId, BigDecimal cost, String generationId, String keyHash, Instant at) {
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT_DEBIT)
                .setParameter(1, accountId)
                .setParameter(2, cost.negate())
                .setParameter(3, generationId)
                .setParameter(4, keyHash)
                .setParameter(5, OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                .executeUpdate()).map(rows -> rows == 1);
    }

    /** Credits bought (top-ups and adjustments) and spent (debits), summed from the ledger. */
    public Uni<Credits> credits(String accountId) {
        return Panache.getSession().chain(session -> session.createSelectionQuery("""
                select coalesce(sum(case when e.kind = 'debit' then 0 else e.amount end), 0),
                       coalesce(sum(case when e.kind = 'debit' then -e.amount else 0 end), 0)
                from LedgerEntryEntity e where e.accountId = ?1""", Object[].class)
                .setParameter(1, accountId)
                .getSingleResult())
                .map(row -> new Credits((BigDecimal) row[0], (BigDecimal) row[1]));
    }

    /** Sum of every ledger entry: what the account's balance must equal. */
    public Uni<BigDecimal> ledgerBalance(String accountId) {
        return Panache.getSession().chain(session -> session.createSelectionQuery(
                "select coalesce(sum(e.amount), 0) from LedgerEntryEntity e where e.accountId = ?1", BigDecimal.class)
                .setParameter(1, accountId)
                .getSingleResult());
    }
}
