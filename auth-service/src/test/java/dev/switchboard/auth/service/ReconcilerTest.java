package dev.switchboard.auth.service;

import dev.switchboard.wire.Reconciliation.ChargeItem;
import dev.switchboard.wire.Reconciliation.GenerationItem;
import dev.switchboard.wire.Reconciliation.LedgerItem;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The three-way comparison alone: ledger, charges applied to balances, ClickHouse. */
class ReconcilerTest {

    private static final String ACCOUNT = "00000000-0000-0000-0000-00000000000a";

    private final Reconciler reconciler = new Reconciler(100);

    private static LedgerItem entry(String generation, long cost) {
        return new LedgerItem(generation, 0, ACCOUNT, cost, true);
    }

    private static GenerationItem seen(String generation, long cost) {
        return new GenerationItem(generation, ACCOUNT, List.of(new ChargeItem(0, cost)));
    }

    @Test
    void threeRecordsThatAgreeAreClean() {
        Reconciler.Charges charges = reconciler.compare(
                List.of(entry("g1", 20), entry("g2", 0)),
                List.of(seen("g1", 20), seen("g2", 0)),
                Map.of("g1:0", 20L, "g2:0", 0L));

        assertThat(charges.clean()).isTrue();
        assertThat(charges.ledgerEntries()).isEqualTo(2);
        assertThat(charges.ledgerNanos()).isEqualTo(20);
        assertThat(charges.appliedNanos()).isEqualTo(20);
        assertThat(charges.analyticsNanos()).isEqualTo(20);
    }

    @Test
    void aChargeNotAppliedToTheBalanceIsNamedAndItsCostIsTheDrift() {
        Reconciler.Charges charges = reconciler.compare(
                List.of(entry("g1", 20), entry("g2", 7)), List.of(seen("g1", 20), seen("g2", 7)), Map.of("g1:0", 20L));

        assertThat(charges.clean()).isFalse();
        assertThat(charges.appliedNanos() - charges.ledgerNanos()).isEqualTo(-7);
        assertThat(charges.listed()).singleElement().satisfies(d -> {
            assertThat(d.chargeId()).isEqualTo("g2:0");
            assertThat(d.ledgerNanos()).isEqualTo(7);
            assertThat(d.appliedNanos()).isNull();
            assertThat(d.problem()).isEqualTo("not applied to the balance");
        });
    }

    @Test
    void generationsMissingFromClickHouseOrFromTheLedgerAreNamed() {
        Reconciler.Charges charges = reconciler.compare(
                List.of(entry("g1", 20), entry("g2", 5)),
                List.of(seen("g1", 20), seen("g3", 9), new GenerationItem("g2", ACCOUNT, List.of())),
                Map.of("g1:0", 20L, "g2:0", 5L, "g3:0", 9L));

        assertThat(charges.listed())
                .extracting(Reconciler.ChargeDiscrepancy::chargeId, Reconciler.ChargeDiscrepancy::problem)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("g2:0", "charge missing from ClickHouse"),
                        org.assertj.core.groups.Tuple.tuple("g3", "generation missing from the ledger"));
        assertThat(charges.analyticsNanos() - charges.ledgerNanos()).isEqualTo(29 - 25);
    }

    @Test
    void aCostThatDiffersInOneRecordIsNamedWithAllThree() {
        Reconciler.Charges charges =
                reconciler.compare(List.of(entry("g1", 20)), List.of(seen("g1", 21)), Map.of("g1:0", 20L));

        assertThat(charges.listed()).singleElement().satisfies(d -> {
            assertThat(d.problem()).isEqualTo("costs differ");
            assertThat(d.ledgerNanos()).isEqualTo(20);
            assertThat(d.appliedNanos()).isEqualTo(20);
            assertThat(d.analyticsNanos()).isEqualTo(21);
        });
    }

    @Test
    void aGenerationWithInterimChargesIsComparedChargeByCharge() {
        List<LedgerItem> ledger =
                List.of(new LedgerItem("g1", 1, ACCOUNT, 3, false), new LedgerItem("g1", 0, ACCOUNT, 4, true));
        List<GenerationItem> analytics =
                List.of(new GenerationItem("g1", ACCOUNT, List.of(new ChargeItem(0, 4), new ChargeItem(1, 3))));

        assertThat(reconciler
                        .compare(ledger, analytics, Map.of("g1:0", 4L, "g1:1", 3L))
                        .clean())
                .isTrue();
        Map<String, Long> missingInterim = new HashMap<>(Map.of("g1:0", 4L));
        assertThat(reconciler.compare(ledger, analytics, missingInterim).listed())
                .extracting(Reconciler.ChargeDiscrepancy::chargeId)
                .containsExactly("g1:1");
    }

    @Test
    void listsAreCappedButTheCountIsWhole() {
        List<LedgerItem> ledger = java.util.stream.IntStream.range(0, 10)
                .mapToObj(i -> entry("g" + i, 1))
                .toList();

        Reconciler.Charges charges = new Reconciler(3).compare(ledger, List.of(), Map.of());

        assertThat(charges.discrepancies()).isEqualTo(10);
        assertThat(charges.listed()).hasSize(3);
    }

    @Test
    void theChargeIdsToLookUpAreTheLedgersAndClickHousesOnce() {
        assertThat(Reconciler.chargeIds(List.of(entry("g1", 1)), List.of(seen("g1", 1), seen("g2", 1))))
                .containsExactly("g1:0", "g2:0");
    }
}
