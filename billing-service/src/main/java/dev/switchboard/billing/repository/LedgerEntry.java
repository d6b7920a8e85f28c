package dev.switchboard.billing.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** One priced usage event. Written once; a redelivered event finds its entry and changes nothing. */
@Entity
@Table(name = "ledger")
public class LedgerEntry {

    @EmbeddedId
    public Id id;

    @Column(name = "is_final", nullable = false)
    public boolean isFinal;

    @Column(name = "account_id", nullable = false)
    public UUID accountId;

    @Column(name = "key_id", nullable = false)
    public UUID keyId;

    @Column(name = "hold_id")
    public String holdId;

    public String model;

    public String provider;

    @Column(nullable = false)
    public String status;

    @Column(name = "prompt_tokens", nullable = false)
    public int promptTokens;

    @Column(name = "completion_tokens", nullable = false)
    public int completionTokens;

    @Column(name = "cached_prompt_tokens", nullable = false)
    public int cachedPromptTokens;

    @Column(name = "reasoning_tokens", nullable = false)
    public int reasoningTokens;

    /** Input images the request sent (billed where the endpoint has a per-image fee). */
    @Column(name = "images", nullable = false)
    public int images;

    @Column(name = "usage_source", nullable = false)
    public String usageSource;

    @Column(name = "prompt_price_pico")
    public Long promptPricePico;

    @Column(name = "completion_price_pico")
    public Long completionPricePico;

    @Column(name = "cost_nanos", nullable = false)
    public long costNanos;

    /** Why the request costs nothing although a provider was tried (zero-completion insurance), or null. */
    @Column(name = "waived_reason")
    public String waivedReason;

    @Column(name = "usage_event_id", nullable = false)
    public String usageEventId;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    /** When the generation started: the same for all of its entries, so reconciliation windows keep them together. */
    @Column(name = "started_at", nullable = false)
    public Instant startedAt;

    @Column(name = "priced_at", nullable = false)
    public Instant pricedAt;

    @Embeddable
    public static class Id implements Serializable {
        @Column(name = "generation_id")
        public String generationId;

        @Column(name = "sequence")
        public int sequence;

        public Id() {}

        public Id(String generationId, int sequence) {
            this.generationId = generationId;
            this.sequence = sequence;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Id other
                    && sequence == other.sequence
                    && Objects.equals(generationId, other.generationId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(generationId, sequence);
        }
    }
}
