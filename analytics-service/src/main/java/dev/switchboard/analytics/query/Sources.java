package dev.switchboard.analytics.query;

import java.util.List;

/**
 * Where a series comes from. The operator's view reads the per-minute rollups; an account's view
 * reads its own raw rows (the table is sorted by account, and the provider rollups carry no
 * account), with the same output columns. Raw rows are read without {@code FINAL}: ingestion
 * stores each generation once ({@code FreshRows}), as the rollups count it, and a long stream's
 * interim rows are left out by their status; {@code FINAL} would merge a day's rows at every read.
 */
record Sources(
        String table, String time, String requests, String latency, String ttft, String histogram, String range) {

    static final String QUANTILES = "(0.5, 0.95, 0.99)";
    /** The latency histogram's upper edges in ms (as in V5__rollups.sql); index 0 of its counts holds the rest. */
    static final List<Integer> LATENCY_EDGES =
            List.of(50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 30000);

    private static final String ROLLUP_RANGE =
            "minute >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64}, 'UTC'))"
                    + " AND minute < fromUnixTimestamp64Milli({to:Int64}, 'UTC')";

    /** Outcomes per minute × provider × model × status × error class × fallback (no latency states). */
    static final Sources OUTCOMES =
            new Sources("provider_minutes", "minute", "sum(requests)", null, null, null, ROLLUP_RANGE);

    /**
     * Latency per minute × provider × model (quantile states and histogram counts): the window's whole
     * quarter hours from latency_quarters, its other minutes from latency_minutes ({@link
     * Window#quarters}), as one table whose time column is {@code minute}.
     */
    static final Sources LATENCY = new Sources(
            quartered("latency_minutes", "latency_quarters", "provider, model, requests, latency, ttft, histogram"),
            "minute",
            "sum(requests)",
            "quantilesTDigestMerge" + QUANTILES + "(latency)",
            "quantilesTDigestIfMerge" + QUANTILES + "(ttft)",
            "sumForEachMerge(histogram)",
            "true");

    static final Sources RAW = new Sources(
            "generations",
            "toDateTime(completed_at)",
            "count()",
            "quantilesTDigest" + QUANTILES + "(latency_ms)",
            "quantilesTDigestIf" + QUANTILES + "(assumeNotNull(ttft_ms), ttft_ms IS NOT NULL)",
            "sumForEach(arrayMap(i -> toUInt64(arrayFirstIndex(e -> latency_ms < e, " + LATENCY_EDGES + ") = i), range("
                    + (LATENCY_EDGES.size() + 1) + ")))",
            "completed_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')"
                    + " AND completed_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC') AND status != 'in_progress'");

    /**
     * A minute rollup and its quarter-hour rollup as one table of the window's rows, time column
     * {@code minute}: its whole quarter hours from {@code quarters}, its other minutes from
     * {@code minutes} ({@link Window#quarters}).
     */
    static String quartered(String minutes, String quarters, String columns) {
        return "(SELECT minute, " + columns + " FROM " + minutes + " WHERE "
                + "minute >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64}, 'UTC'))"
                + " AND minute < fromUnixTimestamp64Milli({to:Int64}, 'UTC')"
                + " AND (minute < fromUnixTimestamp64Milli({quarters_from:Int64}, 'UTC')"
                + " OR minute >= fromUnixTimestamp64Milli({quarters_to:Int64}, 'UTC'))"
                + " UNION ALL SELECT quarter, " + columns + " FROM " + quarters
                + " WHERE quarter >= fromUnixTimestamp64Milli({quarters_from:Int64}, 'UTC')"
                + " AND quarter < fromUnixTimestamp64Milli({quarters_to:Int64}, 'UTC'))";
    }

    /** Billed spend per minute × account × key × model × provider, quarters where whole. */
    static final String SPEND =
            quartered("spend_minutes", "spend_quarters", "account_id, key_id, model, provider, charges, cost_nanos");

    /** Outcomes: the rollup for the operator's view (any account, any key), else the raw rows. */
    static Sources outcomes(Filters filters) {
        return filters.account() == null && filters.key() == null ? OUTCOMES : RAW;
    }

    /** Latency: the rollup when the filters are only model and provider, else the raw rows. */
    static Sources latency(Filters filters) {
        return filters.account() == null && filters.key() == null && filters.status() == null ? LATENCY : RAW;
    }

    boolean raw() {
        return this == RAW;
    }

    /** Epoch milliseconds of the bucket a row falls in. */
    String bucket() {
        return "toUnixTimestamp(toStartOfInterval(" + time + ", toIntervalSecond({bucket:UInt32}))) * 1000";
    }

    /** latency_p50 … ttft_p99 from the quantile arrays {@code lq} and {@code tq}. */
    static String quantileColumns() {
        return String.join(
                ", ",
                quantile("lq", 1, "latency_p50"),
                quantile("lq", 2, "latency_p95"),
                quantile("lq", 3, "latency_p99"),
                quantile("tq", 1, "ttft_p50"),
                quantile("tq", 2, "ttft_p95"),
                quantile("tq", 3, "ttft_p99"));
    }

    /** One quantile of a quantiles array as a Float64, -1 where there was nothing to measure. */
    static String quantile(String column, int index, String alias) {
        return "round(ifNotFinite(toFloat64(" + column + "[" + index + "]), -1), 1) AS " + alias;
    }
}
