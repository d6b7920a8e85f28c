package dev.switchboard.analytics.query;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** How the answers write values ClickHouse keeps as "empty" or "not measured". */
public final class JsonFields {

    private JsonFields() {}

    /** A string column, {@code null} where ClickHouse holds an empty string. */
    public static void text(ObjectNode node, String field, String value) {
        if (value == null || value.isEmpty()) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    /** A measurement, {@code null} where the query answered -1 (nothing to measure). */
    public static void measured(ObjectNode node, String field, double value) {
        if (value < 0) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}
