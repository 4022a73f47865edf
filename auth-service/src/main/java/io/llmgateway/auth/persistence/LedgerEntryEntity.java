package io.llmgateway.auth.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
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

    @Column(name = "account_id")
    public String accountId;

    public String kind;

    @Column(precision = 20, scale = 9)
    public BigDecimal amount;

    @Column(name = "generation_id")
    public String generationId;

    @Column(name = "key_hash")
    public String keyHash;

    public String note;

    @Column(name = "created_at")
    public Instant createdAt;
}
