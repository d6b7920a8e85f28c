package dev.switchboard.auth.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;

import java.time.Instant;
import java.util.UUID;

/**
 * An API key, known only by its keyed hash. The money columns (held, spent) are maintained by
 * {@link CreditLedger} in SQL and are read-only here; {@code @DynamicUpdate} writes only the
 * columns an edit changed, so an edit never overwrites a concurrent reservation.
 */
@Entity
@Table(name = "api_keys")
@DynamicUpdate
public class ApiKey {

    @Id
    public UUID id;

    @Column(name = "account_id", nullable = false)
    public UUID accountId;

    @Column(nullable = false)
    public String kind;

    @Column(name = "key_hash", nullable = false, unique = true)
    public byte[] keyHash;

    @Column(name = "display_prefix", nullable = false)
    public String displayPrefix;

    public String label;

    @Column(nullable = false)
    public boolean disabled;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "deleted_at")
    public Instant deletedAt;

    @Column(name = "credit_limit_nanos")
    public Long creditLimitNanos;

    @Column(name = "limit_reset", nullable = false)
    public String limitReset = "never";

    @Column(name = "rate_limit_rpm")
    public Integer rateLimitRpm;

    @Column(name = "rate_limit_tpm")
    public Integer rateLimitTpm;

    @Column(nullable = false)
    public long version = 1;

    @Column(name = "period_start", insertable = false, updatable = false)
    public Instant periodStart;

    @Column(name = "period_spent_nanos", insertable = false, updatable = false)
    public long periodSpentNanos;

    @Column(name = "held_nanos", insertable = false, updatable = false)
    public long heldNanos;

    @Column(name = "total_spent_nanos", insertable = false, updatable = false)
    public long totalSpentNanos;
}
