package dev.switchboard.billing.repository;

import dev.switchboard.events.ChargeV1;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a poll's worth of ledger entries in one transaction: every entry is inserted unless its
 * (generation, sequence) is there already, then every entry of the batch is read back, so a
 * redelivered event yields the charge its first delivery wrote (same cost, same priced-at).
 */
@ApplicationScoped
public class LedgerBatch {

    private static final String INSERT = """
            INSERT INTO billing.ledger (generation_id, sequence, is_final, account_id, key_id, hold_id, model, provider, status,
                prompt_tokens, completion_tokens, cached_prompt_tokens, reasoning_tokens, images, usage_source,
                prompt_price_pico, completion_price_pico, cost_nanos, usage_event_id, occurred_at, priced_at, waived_reason,
                started_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
            ON CONFLICT (generation_id, sequence) DO NOTHING""";

    private static final String READ_BACK = """
            SELECT l.generation_id, l.sequence, l.is_final, l.account_id, l.key_id, l.hold_id, l.model, l.provider, l.prompt_tokens,
                l.completion_tokens, l.cached_prompt_tokens, l.reasoning_tokens, l.cost_nanos, l.priced_at
            FROM billing.ledger l JOIN unnest($1::text[], $2::int[]) AS b(generation_id, sequence)
              ON l.generation_id = b.generation_id AND l.sequence = b.sequence""";

    private final Pool pool;
    private final ChargeOutbox outbox;

    public LedgerBatch(Pool pool, ChargeOutbox outbox) {
        this.pool = pool;
        this.outbox = outbox;
    }

    /**
     * Records the entries not recorded yet and, in the same transaction, puts the charge of every entry
     * in the outbox unless it is there already (a redelivered event adds nothing); answers the charge of
     * every entry, in the order given (a repeated entry's charge repeated). {@code traces} holds, by
     * charge id, the trace of the usage record each charge prices.
     */
    public Uni<List<ChargeV1>> record(List<LedgerEntry> entries, Map<String, ChargeOutbox.Trace> traces) {
        Map<LedgerEntry.Id, LedgerEntry> distinct = new LinkedHashMap<>();
        entries.forEach(e -> distinct.putIfAbsent(e.id, e));
        List<Tuple> rows = new ArrayList<>(distinct.size());
        String[] generations = new String[distinct.size()];
        Integer[] sequences = new Integer[distinct.size()];
        int i = 0;
        for (LedgerEntry e : distinct.values()) {
            rows.add(Tuple.from(new Object[] {
                e.id.generationId,
                e.id.sequence,
                e.isFinal,
                e.accountId,
                e.keyId,
                e.holdId,
                e.model,
                e.provider,
                e.status,
                e.promptTokens,
                e.completionTokens,
                e.cachedPromptTokens,
                e.reasoningTokens,
                e.images,
                e.usageSource,
                e.promptPricePico,
                e.completionPricePico,
                e.costNanos,
                e.usageEventId,
                e.occurredAt.atOffset(ZoneOffset.UTC),
                e.pricedAt.atOffset(ZoneOffset.UTC),
                e.waivedReason,
                e.startedAt.atOffset(ZoneOffset.UTC)
            }));
            generations[i] = e.id.generationId;
            sequences[i++] = e.id.sequence;
        }
        return pool.withTransaction(c -> c.preparedQuery(INSERT)
                        .executeBatch(rows)
                        .chain(() -> c.preparedQuery(READ_BACK).execute(Tuple.of(generations, sequences)))
                        .chain(read -> {
                            Map<LedgerEntry.Id, ChargeV1> charges = new LinkedHashMap<>();
                            for (Row r : read) {
                                ChargeV1 charge = charge(r);
                                charges.put(new LedgerEntry.Id(charge.generationId(), charge.sequence()), charge);
                            }
                            return outbox.add(c, List.copyOf(charges.values()), traces)
                                    .replaceWith(charges);
                        }))
                .map(charges -> {
                    // one charge per event received, a repeat included: a redelivery is answered with the same charge
                    // again
                    List<ChargeV1> ordered = new ArrayList<>(entries.size());
                    for (LedgerEntry entry : entries) {
                        ChargeV1 charge = charges.get(entry.id);
                        if (charge != null) {
                            ordered.add(charge);
                        }
                    }
                    return ordered;
                });
    }

    private static ChargeV1 charge(Row r) {
        String generation = r.getString("generation_id");
        int sequence = r.getInteger("sequence");
        return new ChargeV1(
                ChargeV1.chargeId(generation, sequence),
                generation,
                sequence,
                r.getBoolean("is_final"),
                r.getUUID("account_id").toString(),
                r.getUUID("key_id").toString(),
                r.getString("hold_id"),
                r.getString("model"),
                r.getString("provider"),
                r.getInteger("prompt_tokens"),
                r.getInteger("completion_tokens"),
                r.getInteger("cached_prompt_tokens"),
                r.getInteger("reasoning_tokens"),
                r.getLong("cost_nanos"),
                "USD",
                r.getOffsetDateTime("priced_at").toInstant());
    }
}
