package dev.switchboard.router.usage;

import dev.switchboard.events.UsageV1;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When a long generation publishes an interim usage event, and what it and the final event carry as
 * billed before them. Every event carries the usage so far; billing charges the difference from what
 * the previous event billed, so a router killed mid-stream loses at most one interval of billing.
 * One per request, used on its event loop; pure (the caller passes the clock).
 */
public final class InterimUsage {

    /** An interim event to publish: its sequence (1, 2, …), the usage so far, and what was billed before it (null for the first). */
    public record Interim(int sequence, UsageV1.Billed usage, UsageV1.Billed before) {}

    private final long intervalNanos;
    private long lastNanos;
    private int sequence;
    private UsageV1.Billed billed;

    /** {@code interval} 0 publishes none; the first is due one interval after {@code startNanos}. */
    public InterimUsage(Duration interval, long startNanos) {
        this.intervalNanos = interval.toNanos();
        this.lastNanos = startNanos;
    }

    /**
     * The interim event due at {@code nowNanos} with the usage so far, or null: none is due before an
     * interval has passed since the last one, nor while no output was produced since it. {@code cost}
     * prices the usage so far; it is asked only when an event is due, not on every delta.
     */
    public Interim due(long nowNanos, int promptTokens, int completionTokens, int images, LongSupplier cost) {
        if (intervalNanos <= 0 || nowNanos - lastNanos < intervalNanos) {
            return null;
        }
        if (completionTokens <= (billed == null ? 0 : billed.completionTokens())) {
            return null;
        }
        UsageV1.Billed before = billed;
        billed = new UsageV1.Billed(promptTokens, completionTokens, 0, 0, images, cost.getAsLong());
        lastNanos = nowNanos;
        return new Interim(++sequence, billed, before);
    }

    /** What the interim events billed, cumulatively: the final event's {@code billedBefore}; null when none was published. */
    public UsageV1.Billed billedBefore() {
        return billed;
    }
}
