package io.llmgateway.auth.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * An API key, known only by the SHA-256 hex of its secret. Period counters remember the UTC date
 * their period started, so a counter left over from an earlier day/week/month reads as zero
 * without any reset job.
 */
@Entity
@Table(name = "api_keys")
public class ApiKeyEntity extends PanacheEntityBase {

    @Id
    public String hash;

    public String accountId;

    public String name;

    /** Display form of the secret, e.g. {@code sk-gw-v1-abc...xyz}; never enough to rebuild it. */
    public String label;

    public String kind;

    public boolean disabled;

    public Instant expiresAt;

    public BigDecimal limitUsd;

    public String limitReset;

    public BigDecimal usageTotal;

    public BigDecimal usageDaily;

    public BigDecimal usageWeekly;

    public BigDecimal usageMonthly;

    public LocalDate usageDay;

    public LocalDate usageWeek;

    public LocalDate usageMonth;

    public Integer rpm;

    public Integer tpm;

    public long version;

    public Instant createdAt;

    public Instant updatedAt;
}
