package dev.switchboard.billing.repository;

import dev.switchboard.events.ChargeV1;
import dev.switchboard.events.CloudEvent;
import dev.switchboard.events.EventCodec;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The charges waiting to be published ({@code billing.charge_outbox}): written with their ledger
 * entries ({@link #add}), claimed a round at a time by the relay ({@link #publish}) and marked
 * published in the same transaction once Kafka acknowledged them. {@code FOR UPDATE SKIP LOCKED}
 * lets several billing replicas relay side by side without sending a charge twice at once (a charge
 * sent twice anyway, by a round that timed out after Kafka took it, is applied once by auth, by id).
 */
@ApplicationScoped
public class ChargeOutbox {

    static final String SOURCE = "/switchboard/billing-service";

    private static final String ADD = """
            INSERT INTO billing.charge_outbox (charge_id, account_id, payload, traceparent, tracestate)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (charge_id) DO NOTHING""";

    private static final String CLAIM = """
            SELECT charge_id, account_id, payload, traceparent, tracestate FROM billing.charge_outbox
            WHERE published_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED""";

    private static final String MARK =
            "UPDATE billing.charge_outbox SET published_at = now() WHERE charge_id = ANY($1::text[])";

    private static final String PRUNE = "DELETE FROM billing.charge_outbox WHERE published_at < $1";

    private static final String PENDING = "SELECT count(*) FROM billing.charge_outbox WHERE published_at IS NULL";

    /** A charge as the relay sends it: the encoded event, its Kafka key and the trace it continues. */
    public record Pending(String chargeId, String accountId, byte[] payload, String traceparent, String tracestate) {}

    /** The trace headers of the usage record a charge prices (either may be null). */
    public record Trace(String traceparent, String tracestate) {
        public static final Trace NONE = new Trace(null, null);
    }

    private final Pool pool;

    public ChargeOutbox(Pool pool) {
        this.pool = pool;
    }

    /** Adds the charges not in the outbox yet, inside the ledger's transaction {@code c}. */
    Uni<Void> add(SqlConnection c, List<ChargeV1> charges, Map<String, Trace> traces) {
        if (charges.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Instant now = Instant.now();
        List<Tuple> rows = new ArrayList<>(charges.size());
        for (ChargeV1 charge : charges) {
            Trace trace = traces.getOrDefault(charge.chargeId(), Trace.NONE);
            CloudEvent<ChargeV1> event =
                    CloudEvent.of(ChargeV1.TYPE, charge.chargeId(), SOURCE, charge.accountId(), now, charge);
            rows.add(Tuple.of(
                    charge.chargeId(),
                    UUID.fromString(charge.accountId()),
                    Buffer.buffer(EventCodec.encode(event)),
                    trace.traceparent(),
                    trace.tracestate()));
        }
        return c.preparedQuery(ADD).executeBatch(rows).replaceWithVoid();
    }

    /**
     * One relay round: claims up to {@code limit} unpublished charges, hands them to {@code send}
     * (which completes once Kafka has acknowledged every one) and marks them published, all in one
     * transaction; a failed or timed-out send rolls the round back, and the charges stay for the next.
     * Answers how many were published.
     */
    public Uni<Integer> publish(int limit, Function<List<Pending>, Uni<Void>> send) {
        return pool.withTransaction(c -> c.preparedQuery(CLAIM)
                .execute(Tuple.of(limit))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(0);
                    }
                    List<Pending> claimed = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        claimed.add(new Pending(
                                r.getString("charge_id"),
                                r.getUUID("account_id").toString(),
                                r.getBuffer("payload").getBytes(),
                                r.getString("traceparent"),
                                r.getString("tracestate")));
                    }
                    String[] ids = claimed.stream().map(Pending::chargeId).toArray(String[]::new);
                    return send.apply(claimed)
                            .chain(() -> c.preparedQuery(MARK).execute(Tuple.of(ids)))
                            .replaceWith(claimed.size());
                }));
    }

    /** Deletes the charges published more than {@code retention} ago; answers how many. */
    public Uni<Integer> prune(Duration retention) {
        return pool.preparedQuery(PRUNE)
                .execute(Tuple.of(Instant.now().minus(retention).atOffset(ZoneOffset.UTC)))
                .map(r -> r.rowCount());
    }

    /** Charges written and not yet published. */
    public Uni<Long> pending() {
        return pool.query(PENDING).execute().map(r -> r.iterator().next().getLong(0));
    }
}
