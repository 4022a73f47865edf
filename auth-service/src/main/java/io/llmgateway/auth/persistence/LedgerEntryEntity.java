package io.llmgateway.auth.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;

/** One append-only movement of an account's credits. Debits are negative and carry their generation id. */
@Entity
@Table(name = "ledger_entries")
public class LedgerEntryEntity extends PanacheEntityBase {

    public static final String TOPUP = "topup";
    public static final String ADJUSTMENT = "adjustment";
    public static final String DEBIT = "debit";

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "ledger_entries_seq")
    @SequenceGenerator(name = "ledger_entries_seq", sequenceName = "ledger_entries_seq", allocationSize = 50)
    public Long id;

    public String accountId;

    public String kind;

    public BigDecimal amount;

    public String generationId;

    public String keyHash;

    public String note;

    public Instant createdAt;
}
