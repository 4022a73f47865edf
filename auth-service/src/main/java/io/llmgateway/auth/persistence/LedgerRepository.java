package io.llmgateway.auth.persistence;

import io.llmgateway.auth.model.Credits;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;

/**
 * Ledger queries that Panache's entity methods do not express. Call inside a session. Usage debits are
 * written in batches by {@link DebitBatchRepository}.
 */
@ApplicationScoped
public class LedgerRepository {

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
