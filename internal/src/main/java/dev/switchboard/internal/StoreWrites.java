package dev.switchboard.internal;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How a Kafka consumer writes a batch to PostgreSQL without losing it or parking it for an outage
 * (billing's ledger, auth's settlement). A failure that is the database's unavailability (no
 * connection, a timeout, the server shutting down) is retried with backoff until the write succeeds,
 * however long that takes, while consumption waits; one WARN when the outage starts, one INFO when it
 * ends. A failure that is the database refusing the data (SQLSTATE class 22, data exception, or 23,
 * integrity constraint) cannot be helped by a retry: the batch is written again one item at a time,
 * so only the refused item is parked (sent to the DLQ with the reason) and the rest is written.
 */
public final class StoreWrites {

    private final Logger log;
    private final String store;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Runnable retried;
    private volatile boolean down;

    /**
     * @param store     what is written, for the log ("ledger")
     * @param retried   called on every failed attempt that will be retried (a counter)
     */
    public StoreWrites(Logger log, String store, Duration initialBackoff, Duration maxBackoff, Runnable retried) {
        this.log = log;
        this.store = store;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.retried = retried;
    }

    /**
     * Writes {@code batch} with {@code write}, hands its result to {@code written}, and parks with
     * {@code park} (item, reason) what the database refuses. Completes once every item is written or
     * parked.
     */
    public <I, R> Uni<Void> write(
            List<I> batch,
            Function<List<I>, Uni<R>> write,
            Consumer<R> written,
            BiFunction<I, String, Uni<Void>> park) {
        return write.apply(batch)
                .onFailure(StoreWrites::unavailable)
                .invoke(this::failed)
                .onFailure(StoreWrites::unavailable)
                .retry()
                .withBackOff(initialBackoff, maxBackoff)
                .indefinitely()
                .invoke(result -> {
                    if (down) {
                        down = false;
                        log.infof("%s writable again; consumption resumed", store);
                    }
                    written.accept(result);
                })
                .replaceWithVoid()
                .onFailure(StoreWrites::refused)
                .recoverWithUni(refusal -> batch.size() == 1
                        ? park.apply(batch.getFirst(), "the " + store + " refused it: " + describe(refusal))
                        : Multi.createFrom()
                                .iterable(batch)
                                .onItem()
                                .transformToUniAndConcatenate(one -> write(List.of(one), write, written, park))
                                .collect()
                                .last()
                                .replaceWithVoid());
    }

    /** Whether a failed write is the database's refusal of the data, which no retry helps. */
    public static boolean refused(Throwable failure) {
        if (!(failure instanceof PgException pg) || pg.getSqlState() == null) {
            return false;
        }
        return pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23");
    }

    private static boolean unavailable(Throwable failure) {
        return !refused(failure);
    }

    private void failed(Throwable failure) {
        retried.run();
        if (!down) {
            down = true;
            log.warnf(
                    "writing the %s failed; consumption paused and the write retried until it succeeds: %s",
                    store, describe(failure));
        }
    }

    /** The database's message and SQLSTATE (never the row's values), or the failure's message. */
    static String describe(Throwable failure) {
        return failure instanceof PgException pg
                ? pg.getErrorMessage() + " (SQLSTATE " + pg.getSqlState() + ")"
                : String.valueOf(failure.getMessage());
    }
}
