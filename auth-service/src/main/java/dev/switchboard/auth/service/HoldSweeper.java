package dev.switchboard.auth.service;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Releases holds that were never settled (a lost usage event, a crashed router) once they pass
 * their expiry, so credit is not locked forever. A charge that arrives later is still debited.
 * One statement per batch; {@code SKIP LOCKED} lets several replicas sweep side by side.
 */
@ApplicationScoped
public class HoldSweeper {

    private static final Logger LOG = Logger.getLogger(HoldSweeper.class);

    private static final String SWEEP = """
            WITH picked AS (
                SELECT id, account_id, key_id, amount_nanos - released_nanos AS remaining
                FROM auth.holds WHERE status = 'open' AND expires_at < now()
                ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED),
            closed AS (
                UPDATE auth.holds h SET status = 'expired', closed_at = now(), released_nanos = h.amount_nanos
                FROM picked p WHERE h.id = p.id
                RETURNING p.account_id, p.key_id, p.remaining),
            per_key AS (
                SELECT key_id, sum(remaining) AS total FROM closed GROUP BY key_id),
            keys_released AS (
                UPDATE auth.api_keys k SET held_nanos = greatest(0, k.held_nanos - s.total)
                FROM per_key s WHERE k.id = s.key_id
                RETURNING k.id),
            per_account AS (
                SELECT account_id, sum(remaining) AS total, count(*) AS n FROM closed GROUP BY account_id),
            released AS (
                UPDATE auth.accounts a SET held_nanos = a.held_nanos - s.total
                FROM per_account s WHERE a.id = s.account_id
                RETURNING s.n)
            SELECT coalesce(sum(n), 0) AS expired FROM released""";

    private final Pool pool;

    public HoldSweeper(Pool pool) {
        this.pool = pool;
    }

    @Scheduled(every = "${switchboard.auth.hold-sweep-interval:30s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweepOnSchedule() {
        return sweep(500).invoke(n -> {
            if (n > 0) {
                LOG.infof("released %d expired credit holds", n);
            }
        }).onFailure().invoke(e -> LOG.warnf("hold sweep failed: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Expires up to {@code batch} overdue holds; answers how many. */
    public Uni<Long> sweep(int batch) {
        return pool.withTransaction(conn -> conn.preparedQuery(SWEEP).execute(Tuple.of(batch)))
                .map(rows -> rows.iterator().next().getLong("expired"));
    }
}
