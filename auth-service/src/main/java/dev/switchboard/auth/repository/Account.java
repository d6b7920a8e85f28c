package dev.switchboard.auth.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.UUID;

/**
 * An account and its credit. Available credit is {@code balanceNanos - heldNanos}; holds and
 * debits are maintained by {@link CreditLedger} in SQL, so {@code heldNanos} and the spend total
 * are read-only here.
 */
@Entity
@Table(name = "accounts")
@DynamicUpdate
public class Account {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    @Column(name = "balance_nanos", nullable = false)
    public long balanceNanos;

    @Column(name = "held_nanos", insertable = false, updatable = false)
    public long heldNanos;

    @Column(name = "total_spent_nanos", insertable = false, updatable = false)
    public long totalSpentNanos;

    @Column(name = "total_granted_nanos", nullable = false)
    public long totalGrantedNanos;

    @Column(name = "idempotency_key", unique = true)
    public String idempotencyKey;

    /** JSON (snake_case) of the account's preferences. */
    @Column(nullable = false, columnDefinition = "jsonb")
    @JdbcTypeCode(SqlTypes.JSON)
    public String preferences = "{}";

    @Column(name = "preferences_version", nullable = false)
    public long preferencesVersion = 1;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
