package dev.switchboard.auth.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** An API key, known only by its keyed hash. */
@Entity
@Table(name = "api_keys")
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
}
