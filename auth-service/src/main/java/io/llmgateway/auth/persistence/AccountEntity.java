package io.llmgateway.auth.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;

/** A paying tenant. {@code balance} mirrors the sum of its ledger, updated in the same transaction. */
@Entity
@Table(name = "accounts")
public class AccountEntity extends PanacheEntityBase {

    @Id
    public String id;

    public String name;

    public BigDecimal balance;

    /** Bumped on every balance change; part of every key's state version. */
    public long version;

    public Instant createdAt;

    public Instant updatedAt;
}
