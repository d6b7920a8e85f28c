package dev.switchboard.billing.repository;

import dev.switchboard.wire.Reconciliation.LedgerItem;
import dev.switchboard.wire.Reconciliation.LedgerPage;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Reads the ledger for reconciliation: the entries of generations started in a window, a page at a time. */
@ApplicationScoped
public class LedgerWindow {

    private final Pool pool;

    public LedgerWindow(Pool pool) {
        this.pool = pool;
    }

    /**
     * Entries of generations started in [from, to) ({@code from <= started_at < to}) after ({@code afterGeneration}, {@code afterSequence})
     * in (generation, sequence) order, at most {@code limit}; with the outbox's unpublished charges.
     */
    public Uni<LedgerPage> page(Instant from, Instant to, String afterGeneration, int afterSequence, int limit) {
        Uni<List<LedgerItem>> entries = pool.preparedQuery("""
                        SELECT generation_id, sequence, account_id, cost_nanos, is_final FROM billing.ledger
                        WHERE started_at >= $1 AND started_at < $2 AND (generation_id, sequence) > ($3, $4)
                        ORDER BY generation_id, sequence LIMIT $5""")
                .execute(Tuple.of(
                        from.atOffset(ZoneOffset.UTC),
                        to.atOffset(ZoneOffset.UTC),
                        afterGeneration,
                        afterSequence,
                        limit))
                .map(rows -> {
                    List<LedgerItem> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new LedgerItem(
                                r.getString("generation_id"),
                                r.getInteger("sequence"),
                                r.getUUID("account_id").toString(),
                                r.getLong("cost_nanos"),
                                r.getBoolean("is_final")));
                    }
                    return out;
                });
        return entries.chain(items -> pool.preparedQuery(
                        "SELECT count(*) AS n FROM billing.charge_outbox WHERE published_at IS NULL")
                .execute()
                .map(rows -> new LedgerPage(items, rows.iterator().next().getLong("n"))));
    }
}
