package dev.switchboard.analytics.query;

/**
 * Where a series comes from. The operator's view reads the per-minute rollups; an account's view
 * reads its own raw rows (the table is sorted by account, and the provider rollups carry no
 * account), with the same output columns.
 */
record Sources(String table, String time, String requests, String latency, String ttft, String range) {

    static final String QUANTILES = "(0.5, 0.95, 0.99)";

    static final Sources ROLLUP = new Sources(
            "provider_minutes",
            "minute",
            "sum(requests)",
            "quantilesTDigestMerge" + QUANTILES + "(latency)",
            "quantilesTDigestIfMerge" + QUANTILES + "(ttft)",
            "minute >= toStartOfMinute(fromUnixTimestamp64Milli({from:Int64}, 'UTC'))"
                    + " AND minute < fromUnixTimestamp64Milli({to:Int64}, 'UTC')");

    static final Sources RAW = new Sources(
            "generations FINAL",
            "toDateTime(completed_at)",
            "count()",
            "quantilesTDigest" + QUANTILES + "(latency_ms)",
            "quantilesTDigestIf" + QUANTILES + "(assumeNotNull(ttft_ms), ttft_ms IS NOT NULL)",
            "completed_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')"
                    + " AND completed_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC') AND status != 'in_progress'");

    static Sources of(Filters filters) {
        return filters.account() == null && filters.key() == null ? ROLLUP : RAW;
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
