package dev.switchboard.auth.service;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.wire.Reconciliation.ChargeItem;
import dev.switchboard.wire.Reconciliation.GenerationItem;
import dev.switchboard.wire.Reconciliation.LedgerItem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares, for one window, the three records of what generations cost, to the nano-dollar: billing's
 * ledger (one entry per charge), the charges applied to balances (auth) and ClickHouse's generations
 * and charges (analytics). Pure: the caller gathers the three; this names every generation or charge
 * missing from one of them and every cost that differs.
 */
public final class Reconciler {

    private final int maxListed;

    public Reconciler(int maxListed) {
        this.maxListed = maxListed;
    }

    /** A charge ({@code generation:sequence}) and what each record says it cost; null where it is missing. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ChargeDiscrepancy(
            String chargeId,
            String accountId,
            Long ledgerNanos,
            Long appliedNanos,
            Long analyticsNanos,
            String problem) {}

    /** The outcome for the window's charges. */
    public record Charges(
            int ledgerEntries,
            int analyticsGenerations,
            long ledgerNanos,
            long appliedNanos,
            long analyticsNanos,
            int discrepancies,
            List<ChargeDiscrepancy> listed) {

        public boolean clean() {
            return discrepancies == 0 && ledgerNanos == appliedNanos && ledgerNanos == analyticsNanos;
        }
    }

    /**
     * {@code applied} holds, by charge id, the cost auth applied for every charge id of the ledger and of
     * ClickHouse that it has applied.
     */
    public Charges compare(List<LedgerItem> ledger, List<GenerationItem> analytics, Map<String, Long> applied) {
        Map<String, LedgerItem> ledgerById = new LinkedHashMap<>();
        Map<String, String> ledgerGenerations = new HashMap<>();
        long ledgerNanos = 0;
        for (LedgerItem item : ledger) {
            ledgerById.put(ChargeV1.chargeId(item.generationId(), item.sequence()), item);
            ledgerGenerations.put(item.generationId(), item.accountId());
            ledgerNanos += item.costNanos();
        }
        Map<String, Long> analyticsCharges = new HashMap<>();
        Map<String, String> analyticsGenerations = new LinkedHashMap<>();
        long analyticsNanos = 0;
        for (GenerationItem g : analytics) {
            analyticsGenerations.put(g.id(), g.accountId());
            for (ChargeItem c : g.charges()) {
                analyticsCharges.put(ChargeV1.chargeId(g.id(), c.sequence()), c.costNanos());
                analyticsNanos += c.costNanos();
            }
        }
        long appliedNanos = 0;
        List<ChargeDiscrepancy> found = new ArrayList<>();
        for (var e : ledgerById.entrySet()) {
            String id = e.getKey();
            LedgerItem item = e.getValue();
            Long cost = item.costNanos();
            Long paid = applied.get(id);
            Long seen = analyticsCharges.get(id);
            if (paid != null) {
                appliedNanos += paid;
            }
            String problem = null;
            if (paid == null) {
                problem = "not applied to the balance";
            } else if (!analyticsGenerations.containsKey(item.generationId())) {
                problem = "generation missing from ClickHouse";
            } else if (seen == null) {
                problem = "charge missing from ClickHouse";
            } else if (!paid.equals(cost) || !seen.equals(cost)) {
                problem = "costs differ";
            }
            if (problem != null) {
                found.add(new ChargeDiscrepancy(id, item.accountId(), cost, paid, seen, problem));
            }
        }
        for (var e : analyticsGenerations.entrySet()) {
            if (!ledgerGenerations.containsKey(e.getKey())) {
                found.add(new ChargeDiscrepancy(
                        e.getKey(), e.getValue(), null, null, null, "generation missing from the ledger"));
            }
        }
        for (var e : analyticsCharges.entrySet()) {
            String id = e.getKey();
            if (!ledgerById.containsKey(id) && ledgerGenerations.containsKey(generationOf(id))) {
                found.add(new ChargeDiscrepancy(
                        id,
                        ledgerGenerations.get(generationOf(id)),
                        null,
                        applied.get(id),
                        e.getValue(),
                        "charge missing from the ledger"));
            }
        }
        return new Charges(
                ledgerById.size(),
                analyticsGenerations.size(),
                ledgerNanos,
                appliedNanos,
                analyticsNanos,
                found.size(),
                List.copyOf(found.subList(0, Math.min(found.size(), maxListed))));
    }

    /** The charge ids whose application the comparison needs: the ledger's and ClickHouse's. */
    public static List<String> chargeIds(List<LedgerItem> ledger, List<GenerationItem> analytics) {
        List<String> ids = new ArrayList<>(ledger.size());
        ledger.forEach(item -> ids.add(ChargeV1.chargeId(item.generationId(), item.sequence())));
        for (GenerationItem g : analytics) {
            g.charges().forEach(c -> ids.add(ChargeV1.chargeId(g.id(), c.sequence())));
        }
        return ids.stream().distinct().toList();
    }

    private static String generationOf(String chargeId) {
        return chargeId.substring(0, chargeId.lastIndexOf(':'));
    }
}
