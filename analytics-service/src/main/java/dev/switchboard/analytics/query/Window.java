package dev.switchboard.analytics.query;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The time range a statistics or dashboard query covers, [from, to), and the bucket its series use
 * (a whole number of minutes, so the per-minute rollups answer it; at most {@link #MAX_POINTS}
 * buckets per series).
 */
public record Window(Instant from, Instant to, long bucketSeconds) {

    public static final Duration DEFAULT = Duration.ofHours(24);
    static final int MAX_POINTS = 120;
    private static final List<Long> BUCKETS = List.of(60L, 300L, 900L, 1800L, 3600L, 3 * 3600L, 6 * 3600L, 86_400L);

    /**
     * From request parameters: {@code from} and {@code to} (ISO-8601 instants or epoch milliseconds)
     * or {@code window} (e.g. {@code 15m}, {@code 6h}, {@code 7d}) ending now; default the last 24 h.
     *
     * @throws IllegalArgumentException with a message for the client when they make no valid range
     */
    public static Window parse(String from, String to, String window, Duration max, Instant now) {
        Instant end = to == null || to.isBlank() ? now : instant("to", to);
        Instant start;
        if (from != null && !from.isBlank()) {
            if (window != null && !window.isBlank()) {
                throw new IllegalArgumentException("give either from (with to) or window, not both");
            }
            start = instant("from", from);
        } else {
            start = end.minus(window == null || window.isBlank() ? DEFAULT : duration(window));
        }
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("from must be before to");
        }
        if (Duration.between(start, end).compareTo(max) > 0) {
            throw new IllegalArgumentException("the window may span at most " + max.toDays() + " days");
        }
        return new Window(start, end, bucketFor(Duration.between(start, end)));
    }

    static long bucketFor(Duration span) {
        for (long bucket : BUCKETS) {
            if (span.getSeconds() / bucket <= MAX_POINTS) {
                return bucket;
            }
        }
        return BUCKETS.getLast();
    }

    public long fromMillis() {
        return from.toEpochMilli();
    }

    public long toMillis() {
        return to.toEpochMilli();
    }

    /** Quarter hours in milliseconds: latency_quarters' rows. */
    static final long QUARTER_MILLIS = 15 * 60_000L;

    /**
     * [start, end) in epoch milliseconds of the whole quarter hours inside this window that
     * latency_quarters answers (the minutes before and after come from latency_minutes); empty (both
     * the window's end) when there are none or when the series' bucket is not a whole number of
     * quarters, which only minutes can fill.
     */
    public long[] quarters() {
        long firstMinute = Math.floorDiv(fromMillis(), 60_000L) * 60_000L;
        long start = Math.ceilDiv(firstMinute, QUARTER_MILLIS) * QUARTER_MILLIS;
        long end = Math.floorDiv(toMillis(), QUARTER_MILLIS) * QUARTER_MILLIS;
        if (bucketSeconds * 1000 % QUARTER_MILLIS != 0 || start >= end) {
            return new long[] {toMillis(), toMillis()};
        }
        return new long[] {start, end};
    }

    public double seconds() {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    private static Instant instant(String name, String value) {
        String v = value.strip();
        try {
            if (v.chars().allMatch(Character::isDigit)) {
                return Instant.ofEpochMilli(Long.parseLong(v));
            }
            return Instant.parse(v);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(
                    name + " must be an ISO-8601 instant (2026-12-07T10:00:00Z) or epoch milliseconds");
        }
    }

    /** {@code 90s}, {@code 15m}, {@code 6h}, {@code 7d}. */
    static Duration duration(String value) {
        String v = value.strip();
        if (v.length() >= 2) {
            try {
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                if (n > 0) {
                    switch (v.charAt(v.length() - 1)) {
                        case 's' -> {
                            return Duration.ofSeconds(n);
                        }
                        case 'm' -> {
                            return Duration.ofMinutes(n);
                        }
                        case 'h' -> {
                            return Duration.ofHours(n);
                        }
                        case 'd' -> {
                            return Duration.ofDays(n);
                        }
                        default -> {}
                    }
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
        }
        throw new IllegalArgumentException("window must be a positive number with s, m, h or d (e.g. 6h)");
    }
}
