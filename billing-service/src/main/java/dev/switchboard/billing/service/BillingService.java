package dev.switchboard.billing.service;

import dev.switchboard.billing.repository.ChargeOutbox;
import dev.switchboard.billing.repository.LedgerBatch;
import dev.switchboard.billing.repository.LedgerEntry;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.LiveCatalog;
import dev.switchboard.catalog.Prices;
import dev.switchboard.catalog.Pricing;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.UsageV1;
import dev.switchboard.events.Waivers;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Prices a usage event with the catalog's exact integer prices and records it in the ledger,
 * once: a redelivered event finds its entry and yields the same charge again.
 */
@ApplicationScoped
public class BillingService {

    private static final Logger LOG = Logger.getLogger(BillingService.class);
    /** What an event without {@code billed_before} follows: nothing (its priced cost is 0, not a fee). */
    private static final UsageV1.Billed NOTHING_BILLED = new UsageV1.Billed(0, 0, 0, 0, 0, 0);

    private final Mutiny.SessionFactory sessions;
    private final LiveCatalog catalog;
    private final LedgerBatch batch;

    public BillingService(Mutiny.SessionFactory sessions, LiveCatalog catalog, LedgerBatch batch) {
        this.sessions = sessions;
        this.catalog = catalog;
        this.batch = batch;
    }

    /**
     * Records every priced entry not recorded yet, with its charge in the outbox, in one transaction;
     * answers the charge of each entry, a repeat's included ({@link LedgerBatch#record}).
     */
    public Uni<List<ChargeV1>> record(List<LedgerEntry> entries, Map<String, ChargeOutbox.Trace> traces) {
        return batch.record(entries, traces);
    }

    /** The ledger entry of a usage event, priced; throws when the event cannot be priced (an overflow). */
    public LedgerEntry price(UsageV1 usage) {
        return price(usage, new LedgerEntry.Id(usage.generationId(), usage.sequence()));
    }

    public Uni<LedgerEntry> find(String generationId, int sequence) {
        return sessions.withSession(
                session -> session.find(LedgerEntry.class, new LedgerEntry.Id(generationId, sequence)));
    }

    /**
     * The entry of one event. An event carries the generation's usage so far; one that follows interim
     * events ({@code billedBefore}) is charged the difference from what they billed, priced with the
     * same prices, so a generation's charges add up to its final usage priced once. Its tokens are the
     * difference too, so a generation's entries sum to its usage. A final usage below what interim
     * events billed (the provider counted fewer tokens than Switchboard) is charged 0, not refunded.
     */
    LedgerEntry price(UsageV1 usage, LedgerEntry.Id id) {
        UsageV1.Billed before = usage.billedBefore();
        LedgerEntry entry = new LedgerEntry();
        entry.id = id;
        entry.isFinal = usage.isFinal();
        entry.accountId = UUID.fromString(usage.accountId());
        entry.keyId = UUID.fromString(usage.keyId());
        entry.holdId = usage.holdId();
        entry.model = usage.model();
        entry.provider = usage.provider();
        entry.status = usage.status();
        UsageV1.Billed billed = before == null ? NOTHING_BILLED : before;
        entry.promptTokens = Math.max(0, usage.promptTokens() - billed.promptTokens());
        entry.completionTokens = Math.max(0, usage.completionTokens() - billed.completionTokens());
        entry.cachedPromptTokens = Math.max(0, usage.cachedPromptTokens() - billed.cachedPromptTokens());
        entry.reasoningTokens = Math.max(0, usage.reasoningTokens() - billed.reasoningTokens());
        entry.images = Math.max(0, usage.images() - billed.images());
        entry.usageSource = usage.usageSource() == null ? "estimated" : usage.usageSource();
        entry.usageEventId = usage.eventId();
        entry.occurredAt = usage.completedAt() == null ? Instant.now() : usage.completedAt();
        entry.startedAt = usage.startedAt() == null ? entry.occurredAt : usage.startedAt();
        entry.pricedAt = Instant.now();
        Optional<Prices> prices = routedPrices(usage);
        entry.waivedReason = Waivers.reason(usage);
        if (entry.waivedReason != null) {
            prices.ifPresent(p -> {
                entry.promptPricePico = p.promptPico();
                entry.completionPricePico = p.completionPico();
            });
            entry.costNanos = 0;
        } else if (prices.isPresent()) {
            Prices p = prices.get();
            entry.promptPricePico = p.promptPico();
            entry.completionPricePico = p.completionPico();
            long sofar = Pricing.costNanos(
                    p,
                    usage.promptTokens(),
                    usage.completionTokens(),
                    usage.cachedPromptTokens(),
                    usage.reasoningTokens(),
                    usage.images());
            long billedNanos = before == null
                    ? 0
                    : Pricing.costNanos(
                            p,
                            before.promptTokens(),
                            before.completionTokens(),
                            before.cachedPromptTokens(),
                            before.reasoningTokens(),
                            before.images());
            entry.costNanos = Math.max(0, sofar - billedNanos);
        } else {
            // nothing was served (no provider), or an event without prices whose endpoint left the
            // catalog since routing: the router priced it with the catalog it routed with
            entry.costNanos = Math.max(0, usage.estimatedCostNanos() - billed.estimatedCostNanos());
            if (usage.provider() != null) {
                LOG.warnf(
                        "generation %s: %s@%s not in the catalog; billing the router's price",
                        usage.generationId(), usage.model(), usage.provider());
            }
        }
        return entry;
    }

    /**
     * The prices to charge: those the event carries (the endpoint's in the catalog version the request
     * was routed with, so a price edit that reaches billing before the event does not reprice it),
     * else, for events written before prices were carried, the endpoint's in billing's catalog.
     */
    private Optional<Prices> routedPrices(UsageV1 usage) {
        if (usage.model() == null || usage.provider() == null) {
            return Optional.empty();
        }
        UsageV1.Prices routed = usage.prices();
        if (routed != null) {
            return Optional.of(new Prices(
                    routed.promptPico(),
                    routed.completionPico(),
                    routed.cachedPromptPico(),
                    routed.reasoningPico(),
                    routed.requestNanos(),
                    routed.imageNanos()));
        }
        return catalog.current().endpoint(usage.model(), usage.provider()).map(EndpointSpec::prices);
    }
}
