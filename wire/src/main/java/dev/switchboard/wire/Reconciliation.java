package dev.switchboard.wire;

import java.util.List;

/**
 * What auth-service's reconciliation reads from the other money stores, a page at a time, for one
 * window of generation start times ({@code from} inclusive, {@code to} exclusive, whole
 * milliseconds): billing's ledger and analytics' ClickHouse rows. Pages are ordered by generation id
 * (then sequence); the next page starts after the last item of this one.
 */
public final class Reconciliation {

    private Reconciliation() {}

    /** Billing → auth: ledger entries (one per charge) and how many charges the outbox has not published. */
    public record LedgerPage(List<LedgerItem> entries, long unpublishedCharges) {
        public LedgerPage {
            entries = entries == null ? List.of() : List.copyOf(entries);
        }
    }

    /** One ledger entry: the charge it made ({@code generationId:sequence}), its account and exact cost. */
    public record LedgerItem(String generationId, int sequence, String accountId, long costNanos, boolean isFinal) {}

    /** Analytics → auth: generations recorded in ClickHouse, each with the charges recorded for it. */
    public record GenerationPage(List<GenerationItem> generations) {
        public GenerationPage {
            generations = generations == null ? List.of() : List.copyOf(generations);
        }
    }

    /** A generation in ClickHouse; {@code charges} is empty when none was ingested for it. */
    public record GenerationItem(String id, String accountId, List<ChargeItem> charges) {
        public GenerationItem {
            charges = charges == null ? List.of() : List.copyOf(charges);
        }
    }

    /** A charge as ClickHouse holds it. */
    public record ChargeItem(int sequence, long costNanos) {}
}
