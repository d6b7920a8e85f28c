package dev.switchboard.auth.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A credit top-up, recorded under the caller's idempotency key. */
@Entity
@Table(name = "credit_grants")
public class CreditGrant {

    @Id
    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "account_id", nullable = false)
    public UUID accountId;

    @Column(name = "amount_nanos", nullable = false)
    public long amountNanos;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
