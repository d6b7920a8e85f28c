package dev.switchboard.analytics.clickhouse;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One row to insert. {@code id} identifies what it records (a generation, a charge) and is null for
 * rows that need no deduplication; {@code rolledUp} says whether the rollups' materialized views
 * count it (false for a long stream's interim usage, which its final row supersedes); {@code record}
 * is the Kafka record it came from; {@code timeMillis} the time column a stored copy of it has (the
 * event's completion or pricing time), which bounds the lookup for copies.
 */
public record Row(String id, boolean rolledUp, long timeMillis, ObjectNode json, byte[] record) {

    public Row(String id, boolean rolledUp, long timeMillis, ObjectNode json) {
        this(id, rolledUp, timeMillis, json, null);
    }

    public static Row plain(ObjectNode json) {
        return new Row(null, false, 0, json);
    }

    /** This row with the Kafka record it was decoded from (parked on the DLQ if ClickHouse refuses it). */
    public Row from(byte[] source) {
        return new Row(id, rolledUp, timeMillis, json, source);
    }
}
