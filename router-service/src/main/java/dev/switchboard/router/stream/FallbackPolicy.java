package dev.switchboard.router.stream;

import dev.switchboard.router.config.RouterConfig;
import dev.switchboard.wire.ErrorClass;

import java.time.Duration;

/**
 * What happens after a failed attempt, before anything reached the client: the next candidate, a
 * new round over every candidate after a backoff, or the end of the request. The one place that
 * says which failures are worth another candidate, which may pass with time, and which are about
 * the provider's health at all. Pure: no clock, no I/O; the caller passes the time.
 *
 * <ul>
 *   <li>Another candidate: every {@linkplain ErrorClass#retryable() retryable} failure (429, 5xx,
 *       timeouts, connection failures, a malformed stream, the provider refusing our credential).</li>
 *   <li>A new round, once every candidate failed: only when the last failure was transient (rate
 *       limited, overloaded, a 5xx or connection failure), after 100 ms doubling up to 3.2 s by
 *       default (longer when the provider's {@code Retry-After} asks for it), at most
 *       {@code retries} rounds, and never past the request's deadline.</li>
 *   <li>Health: a failure that is the request's fault (400, context too long, not found, content
 *       filtered) says nothing about the provider and must not count against it.</li>
 * </ul>
 */
public final class FallbackPolicy {

    /** What to do next. */
    public sealed interface Decision permits Next, Retry, Fail {}

    /** Try the candidate at {@code index} now. */
    public record Next(int index) implements Decision {}

    /** Start round {@code round} (1 for the first retry round) from the first candidate in {@code delayMillis}. */
    public record Retry(int round, long delayMillis) implements Decision {}

    /** End the request with the failure. */
    public record Fail() implements Decision {
        static final Fail INSTANCE = new Fail();
    }

    private final int retries;
    private final long backoffMillis;
    private final long backoffMaxMillis;
    private final long deadlineNanos;

    /**
     * @param retries      rounds after the first pass (0: each candidate once)
     * @param backoff      the wait before the first retry round; it doubles each round
     * @param backoffMax   the longest wait between rounds (unless {@code Retry-After} asks for more)
     * @param totalTimeout the request's deadline, from its start: no round starts that would begin past it
     */
    public FallbackPolicy(int retries, Duration backoff, Duration backoffMax, Duration totalTimeout) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be 0 or more, got " + retries);
        }
        this.retries = retries;
        this.backoffMillis = backoff.toMillis();
        this.backoffMaxMillis = backoffMax.toMillis();
        this.deadlineNanos = totalTimeout.toNanos();
    }

    /** The chat policy from {@code switchboard.upstream.*}. */
    public static FallbackPolicy of(RouterConfig.Upstream upstream) {
        return new FallbackPolicy(
                upstream.retries(), upstream.retryBackoff(), upstream.retryBackoffMax(), upstream.totalTimeout());
    }

    /** The same policy with no retry rounds: each candidate once (embeddings). */
    public FallbackPolicy singlePass() {
        return new FallbackPolicy(
                0,
                Duration.ofMillis(backoffMillis),
                Duration.ofMillis(backoffMaxMillis),
                Duration.ofNanos(deadlineNanos));
    }

    /** Whether another provider may succeed where this failure happened. */
    public static boolean tryAnother(ErrorClass failure) {
        return failure.retryable();
    }

    /** Whether the failure may pass with time, so that a later round over the same candidates is worth it. */
    public static boolean isTransient(ErrorClass failure) {
        return failure == ErrorClass.RATE_LIMITED || failure == ErrorClass.OVERLOADED || failure == ErrorClass.UPSTREAM;
    }

    /** Whether the failure says something about the provider's health (a request the provider rightly refused does not). */
    public static boolean aboutProvider(ErrorClass failure) {
        return failure.retryable();
    }

    /**
     * After the candidate at {@code index} of {@code candidates} failed with {@code failure}.
     *
     * @param retryAfterMillis what the provider's {@code Retry-After} asked for, or null
     * @param roundsDone       retry rounds already started (0 during the first pass)
     * @param elapsedNanos     time since the request started
     */
    public Decision afterFailure(
            ErrorClass failure, Long retryAfterMillis, int index, int candidates, int roundsDone, long elapsedNanos) {
        if (tryAnother(failure) && index + 1 < candidates) {
            return new Next(index + 1);
        }
        if (!isTransient(failure) || roundsDone >= retries) {
            return Fail.INSTANCE;
        }
        long backoff = Math.min(backoffMillis << Math.min(roundsDone, 30), backoffMaxMillis);
        long delay = Math.max(1, retryAfterMillis == null ? backoff : Math.max(backoff, retryAfterMillis));
        if (elapsedNanos + delay * 1_000_000 >= deadlineNanos) {
            return Fail.INSTANCE;
        }
        return new Retry(roundsDone + 1, delay);
    }
}
