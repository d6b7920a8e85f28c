package dev.switchboard.analytics.clickhouse;

/**
 * One row to insert. {@code id} identifies what it records (a generation, a charge) and is null for
 * rows that need no deduplication; {@code rolledUp} says whether the rollups' materialized views
 * count it (false for a long stream's interim usage, which its final row supersedes); {@code record}
 * is the Kafka record it came from; {@code json} the row as one JSON object (a JSONEachRow line
 * without its newline); {@code timeMillis} the time column a stored copy of it has (the
 * event's completion or pricing time), which bounds the lookup for copies.
 */
public record Row(String id, boolean rolledUp, long timeMillis, byte[] json, byte[] record) {

    public Row(String id, boolean rolledUp, long timeMillis, byte[] json) {
        this(id, rolledUp, timeMillis, json, null);
    }

    public static Row plain(byte[] json) {
        return new Row(null, false, 0, json);
    }

    /** This row with the Kafka record it was decoded from (parked on the DLQ if ClickHouse refuses it). */
    public Row from(byte[] source) {
        return new Row(id, rolledUp, timeMillis, json, source);
    }
}
