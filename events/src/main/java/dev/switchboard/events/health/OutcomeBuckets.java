package dev.switchboard.events.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counters of outcomes in one time bucket: {@code n} (outcomes), {@code err} (failures), a
 * latency histogram {@code h0..h9} over fixed bounds, and for answers that streamed, {@code tok}
 * (output tokens) and {@code gms} (ms from the first token to the last), whose ratio is the
 * throughput. Routers also count their failures by error class, {@code e:<class>}
 * ({@code e:server_error}, {@code e:rate_limited}, {@code e:timeout}...); probes count {@code err}
 * only. Writers add with HINCRBY, so probes and every router replica can count into the same bucket
 * without coordination; percentiles read from
 * the histogram are the upper bound of the bucket the rank falls in (an over-estimate by at most
 * one bucket width).
 */
public final class OutcomeBuckets {

    /** Upper bounds, in ms, of histogram buckets h0..h8; h9 is everything slower. */
    public static final long[] BOUNDS_MS = {50, 100, 200, 400, 800, 1600, 3200, 6400, 12800};

    public static final String COUNT = "n";
    public static final String ERRORS = "err";
    public static final String TOKENS = "tok";
    public static final String GENERATION_MS = "gms";
    /** Prefix of the per-error-class failure counters. */
    public static final String ERROR_CLASS_PREFIX = "e:";

    private OutcomeBuckets() {}

    public static String latencyField(long latencyMs) {
        for (int i = 0; i < BOUNDS_MS.length; i++) {
            if (latencyMs <= BOUNDS_MS[i]) {
                return "h" + i;
            }
        }
        return "h" + BOUNDS_MS.length;
    }

    /** The field counting failures of {@code errorClass} (a normalized class: {@code server_error}, {@code timeout}...). */
    public static String errorClassField(String errorClass) {
        return ERROR_CLASS_PREFIX + errorClass;
    }

    /** The increments that record one outcome (a failure's latency is not counted in the histogram). */
    public static Map<String, Long> increments(boolean ok, long latencyMs) {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put(COUNT, 1L);
        if (ok) {
            out.put(latencyField(latencyMs), 1L);
        } else {
            out.put(ERRORS, 1L);
        }
        return out;
    }

    /** One HINCRBY to send. */
    public record Increment(String key, String field, long amount) {}

    /** One EXPIRE to send after the increments, so buckets age out. */
    public record Expiry(String key, long seconds) {}

    /** The Redis writes that record one outcome for {@code subject} at {@code epochMillis}: the minute and hour buckets. */
    public static List<Increment> incrementsFor(String subject, boolean ok, long latencyMs, long epochMillis) {
        long minute = epochMillis / 60_000;
        long hour = epochMillis / 3_600_000;
        List<Increment> out = new java.util.ArrayList<>(6);
        increments(ok, latencyMs).forEach((field, amount) -> {
            out.add(new Increment(HealthKeys.minute(subject, minute), field, amount));
            out.add(new Increment(HealthKeys.hour(subject, hour), field, amount));
        });
        return out;
    }

    public static List<Expiry> expiriesFor(String subject, long epochMillis) {
        return List.of(
                new Expiry(HealthKeys.minute(subject, epochMillis / 60_000), HealthKeys.MINUTE_BUCKET_TTL_SECONDS),
                new Expiry(HealthKeys.hour(subject, epochMillis / 3_600_000), HealthKeys.HOUR_BUCKET_TTL_SECONDS));
    }

    /** Counters summed over several buckets. */
    public static final class Sum {
        private long count;
        private long errors;
        private final long[] histogram = new long[BOUNDS_MS.length + 1];
        private long tokens;
        private long generationMs;
        private final Map<String, Long> errorClasses = new TreeMap<>();

        public void add(Map<String, String> bucket) {
            if (bucket == null) {
                return;
            }
            bucket.forEach((field, value) -> {
                if (field.startsWith(ERROR_CLASS_PREFIX)) {
                    errorClasses.merge(field.substring(ERROR_CLASS_PREFIX.length()), parse(value), Long::sum);
                }
            });
            count += parse(bucket.get(COUNT));
            errors += parse(bucket.get(ERRORS));
            tokens += parse(bucket.get(TOKENS));
            generationMs += parse(bucket.get(GENERATION_MS));
            for (int i = 0; i < histogram.length; i++) {
                histogram[i] += parse(bucket.get("h" + i));
            }
        }

        public void addAll(List<Map<String, String>> buckets) {
            buckets.forEach(this::add);
        }

        public long count() {
            return count;
        }

        public long errors() {
            return errors;
        }

        /** Share of outcomes that succeeded, or null when there were none. */
        public Double uptime() {
            return count == 0 ? null : (double) (count - errors) / count;
        }

        /** Output tokens per second while answers streamed, or null when no answer was measured. */
        public Double tokensPerSecond() {
            return generationMs <= 0 || tokens <= 0 ? null : tokens * 1000.0 / generationMs;
        }

        /** Failures of real traffic per error class, by class name (empty when none were classed). */
        public Map<String, Long> errorClasses() {
            return Collections.unmodifiableMap(errorClasses);
        }

        /** The error class with the most failures (the first by name on a tie), or null when none were classed. */
        public String commonestErrorClass() {
            String commonest = null;
            long most = 0;
            for (Map.Entry<String, Long> e : errorClasses.entrySet()) {
                if (e.getValue() > most) {
                    commonest = e.getKey();
                    most = e.getValue();
                }
            }
            return commonest;
        }

        public Double errorRate() {
            return count == 0 ? null : (double) errors / count;
        }

        /** The latency at quantile {@code q} (0..1) of successful outcomes, in ms; null when none. */
        public Long percentileMs(double q) {
            long total = 0;
            for (long c : histogram) {
                total += c;
            }
            if (total == 0) {
                return null;
            }
            long rank = (long) Math.ceil(q * total);
            long seen = 0;
            for (int i = 0; i < histogram.length; i++) {
                seen += histogram[i];
                if (seen >= rank) {
                    return i < BOUNDS_MS.length ? BOUNDS_MS[i] : BOUNDS_MS[BOUNDS_MS.length - 1] * 2;
                }
            }
            return BOUNDS_MS[BOUNDS_MS.length - 1] * 2;
        }

        private static long parse(String value) {
            return value == null ? 0 : Long.parseLong(value);
        }
    }
}
