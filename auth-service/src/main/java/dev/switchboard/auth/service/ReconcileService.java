package dev.switchboard.auth.service;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.switchboard.auth.client.MoneyStoresClient;
import dev.switchboard.auth.config.AuthConfig;
import dev.switchboard.auth.repository.ReconcileQueries;
import dev.switchboard.auth.repository.ReconcileQueries.AccountDrift;
import dev.switchboard.auth.repository.ReconcileQueries.LateLease;
import dev.switchboard.wire.Reconciliation.GenerationItem;
import dev.switchboard.wire.Reconciliation.LedgerItem;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reconciliation of one window: reads billing's ledger and ClickHouse a page at a time, looks up the
 * charges applied to balances, and adds auth's own checks (balances against grants and debits,
 * leases and holds left past their deadlines). See {@link Reconciler} for the comparison.
 */
@ApplicationScoped
public class ReconcileService {

    private final MoneyStoresClient stores;
    private final ReconcileQueries queries;
    private final CreditLeases leases;
    private final AuthConfig.Reconcile config;
    private final Duration holdTtl;

    public ReconcileService(
            MoneyStoresClient stores, ReconcileQueries queries, CreditLeases leases, AuthConfig config) {
        this.stores = stores;
        this.queries = queries;
        this.leases = leases;
        this.config = config.reconcile();
        this.holdTtl = config.holdTtl();
    }

    /** What a reconciliation found; {@code clean} when every record agrees and nothing was left behind. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Report(
            Instant from,
            Instant to,
            String accountId,
            boolean clean,
            int ledgerEntries,
            int analyticsGenerations,
            long ledgerNanos,
            long appliedNanos,
            long analyticsNanos,
            long appliedDriftNanos,
            long analyticsDriftNanos,
            long unpublishedCharges,
            int discrepancies,
            List<Reconciler.ChargeDiscrepancy> charges,
            List<AccountDrift> accounts,
            List<LateLease> leases,
            List<CreditLeases.OpenHold> holds) {}

    /** The window [from, to) in whole milliseconds; {@code to} defaults to now less the settle delay, {@code from} to an hour before it. */
    public Uni<Report> reconcile(Instant from, Instant to, UUID account) {
        Instant end = (to == null ? Instant.now().minus(config.settleDelay()) : to).truncatedTo(ChronoUnit.MILLIS);
        Instant start = (from == null ? end.minus(Duration.ofHours(1)) : from).truncatedTo(ChronoUnit.MILLIS);
        if (!start.isBefore(end)) {
            return Uni.createFrom().failure(AuthException.badRequest("from must be before to"));
        }
        Uni<Gathered> gathered = ledger(start, end, new ArrayList<>(), "", -1)
                .chain(ledger -> generations(start, end, new ArrayList<>(), "")
                        .map(analytics -> new Gathered(ledger.items, ledger.unpublished, analytics)));
        return gathered.chain(g -> {
            List<LedgerItem> ledger = account == null
                    ? g.ledger
                    : g.ledger.stream()
                            .filter(i -> account.toString().equals(i.accountId()))
                            .toList();
            List<GenerationItem> analytics = account == null
                    ? g.analytics
                    : g.analytics.stream()
                            .filter(i -> account.toString().equals(i.accountId()))
                            .toList();
            return queries.applied(Reconciler.chargeIds(ledger, analytics)).chain(applied -> {
                Reconciler.Charges charges = new Reconciler(config.maxListed()).compare(ledger, analytics, applied);
                return queries.accountDrifts(account, config.maxListed())
                        .chain(accounts -> queries.lateLeases(
                                        account, Instant.now().minus(holdTtl), config.maxListed())
                                .map(late -> report(start, end, account, g.unpublished, charges, accounts, late)));
            });
        });
    }

    private Report report(
            Instant from,
            Instant to,
            UUID account,
            long unpublished,
            Reconciler.Charges charges,
            List<AccountDrift> accounts,
            List<LateLease> late) {
        List<CreditLeases.OpenHold> holds =
                leases.openHoldsOlderThan(config.holdDeadline(), account, config.maxListed());
        boolean clean = charges.clean() && accounts.isEmpty() && late.isEmpty() && holds.isEmpty();
        return new Report(
                from,
                to,
                account == null ? null : account.toString(),
                clean,
                charges.ledgerEntries(),
                charges.analyticsGenerations(),
                charges.ledgerNanos(),
                charges.appliedNanos(),
                charges.analyticsNanos(),
                charges.appliedNanos() - charges.ledgerNanos(),
                charges.analyticsNanos() - charges.ledgerNanos(),
                unpublished,
                charges.discrepancies(),
                charges.listed(),
                accounts,
                late,
                holds);
    }

    private record Gathered(List<LedgerItem> ledger, long unpublished, List<GenerationItem> analytics) {}

    private record LedgerSoFar(List<LedgerItem> items, long unpublished) {}

    private Uni<LedgerSoFar> ledger(
            Instant from, Instant to, List<LedgerItem> soFar, String afterGeneration, int afterSequence) {
        return stores.ledger(from, to, afterGeneration, afterSequence, config.pageSize())
                .chain(page -> {
                    soFar.addAll(page.entries());
                    if (soFar.size() > config.maxEntries()) {
                        return Uni.createFrom()
                                .failure(AuthException.badRequest("the window holds more than " + config.maxEntries()
                                        + " ledger entries: reconcile it in shorter windows"));
                    }
                    if (page.entries().size() < config.pageSize()) {
                        return Uni.createFrom().item(new LedgerSoFar(soFar, page.unpublishedCharges()));
                    }
                    LedgerItem last = page.entries().getLast();
                    return ledger(from, to, soFar, last.generationId(), last.sequence());
                });
    }

    private Uni<List<GenerationItem>> generations(Instant from, Instant to, List<GenerationItem> soFar, String after) {
        return stores.generations(from, to, after, config.pageSize()).chain(page -> {
            soFar.addAll(page.generations());
            if (soFar.size() > config.maxEntries()) {
                return Uni.createFrom()
                        .failure(AuthException.badRequest("the window holds more than " + config.maxEntries()
                                + " generations in ClickHouse: reconcile it in shorter windows"));
            }
            if (page.generations().size() < config.pageSize()) {
                return Uni.createFrom().item(soFar);
            }
            return generations(from, to, soFar, page.generations().getLast().id());
        });
    }
}
