package dev.switchboard.auth.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * Credit reserved for one request. {@code releasedNanos} is the part of {@code amountNanos}
 * already returned to the account's available credit (by charges or on close).
 */
@Entity
@Table(name = "holds")
public class Hold {

    public static final String OPEN = "open";
    public static final String SETTLED = "settled";
    public static final String RELEASED = "released";
    public static final String EXPIRED = "expired";

    @Id
    public String id;

    @Column(name = "account_id", nullable = false)
    public UUID accountId;

    @Column(name = "key_id", nullable = false)
    public UUID keyId;

    @Column(name = "amount_nanos", nullable = false)
    public long amountNanos;

    @Column(name = "released_nanos", nullable = false)
    public long releasedNanos;

    @Column(name = "charged_nanos", nullable = false)
    public long chargedNanos;

    @Column(nullable = false)
    public String status;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "closed_at")
    public Instant closedAt;

    public boolean isOpen() {
        return OPEN.equals(status);
    }

    public long remainingNanos() {
        return amountNanos - releasedNanos;
    }
}
