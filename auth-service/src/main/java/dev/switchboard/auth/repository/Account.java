package dev.switchboard.auth.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** An account and its credit. Available credit is {@code balanceNanos - heldNanos}. */
@Entity
@Table(name = "accounts")
public class Account {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    @Column(name = "balance_nanos", nullable = false)
    public long balanceNanos;

    @Column(name = "held_nanos", nullable = false)
    public long heldNanos;

    @Column(name = "idempotency_key", unique = true)
    public String idempotencyKey;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
