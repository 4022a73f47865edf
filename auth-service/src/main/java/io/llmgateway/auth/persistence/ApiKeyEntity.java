package io.llmgateway.auth.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
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

    @Column(name = "account_id")
    public String accountId;

    public String name;

    /** Display form of the secret, e.g. {@code sk-gw-v1-abc...xyz}; never enough to rebuild it. */
    public String label;

    public String kind;

    public boolean disabled;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "limit_usd", precision = 20, scale = 9)
    public BigDecimal limitUsd;

    @Column(name = "limit_reset")
    public String limitReset;

    @Column(name = "usage_total", precision = 20, scale = 9)
    public BigDecimal usageTotal;

    @Column(name = "usage_daily", precision = 20, scale = 9)
    public BigDecimal usageDaily;

    @Column(name = "usage_weekly", precision = 20, scale = 9)
    public BigDecimal usageWeekly;

    @Column(name = "usage_monthly", precision = 20, scale = 9)
    public BigDecimal usageMonthly;

    @Column(name = "usage_day")
    public LocalDate usageDay;

    @Column(name = "usage_week")
    public LocalDate usageWeek;

    @Column(name = "usage_month")
    public LocalDate usageMonth;

    public Integer rpm;

    public Integer tpm;

    public long version;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
