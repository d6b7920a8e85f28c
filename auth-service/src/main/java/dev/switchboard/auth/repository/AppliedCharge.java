package dev.switchboard.auth.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A charge already applied to an account; its id makes settlement idempotent. */
@Entity
@Table(name = "applied_charges")
public class AppliedCharge {

    @Id
    @Column(name = "charge_id")
    public String chargeId;

    @Column(name = "hold_id")
    public String holdId;

    @Column(name = "account_id", nullable = false)
    public UUID accountId;

    @Column(name = "cost_nanos", nullable = false)
    public long costNanos;

    @Column(name = "applied_at", nullable = false)
    public Instant appliedAt;
}
