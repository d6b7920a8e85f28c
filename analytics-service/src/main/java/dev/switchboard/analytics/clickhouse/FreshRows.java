package dev.switchboard.analytics.clickhouse;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What of a batch is not stored yet. The rollups' materialized views count every inserted row,
 * so a redelivered batch (a crash before the offsets were committed, an insert whose answer was
 * lost and was retried) must not insert a generation's final row or a charge a second time: this
 * looks the batch's ids up (bloom-filter indexes) and drops those already stored, and the
 * batch's own repeats. It also drops a generation's interim row once its final row is stored or in
 * the batch, which would otherwise replace the final row in the collapsing table.
 *
 * <p>Exact while one consumer writes a generation's rows: its records share a Kafka partition (the
 * generation id is the key; a charge's key is its account), which one consumer of the group owns.
 */
@ApplicationScoped
public class FreshRows {

    /**
     * Where a table keeps the ids, which stored rows count as already recorded, and the time column
     * a stored copy shares with its redelivery (the event's own time: a copy has the same), which
     * bounds the lookup to the parts of that time (minmax skip index) instead of the whole table.
     */
    public record Identity(String table, String idColumn, String storedFilter, String timeColumn) {

        public static final Identity GENERATIONS =
                new Identity("generations", "id", " AND status != '" + Rows.IN_PROGRESS + "'", "completed_at");
        public static final Identity CHARGES = new Identity("charges", "charge_id", "", "priced_at");
    }

    /**
     * The ids' bytes per lookup: ClickHouse refuses a query text over {@code max_query_size} (262,144
     * bytes by default) with a syntax error, so a batch's ids are looked up in parts this size (a
     * 5,000-row batch of generation ids is one part), leaving room for the rest of the statement.
     */
    static final int LOOKUP_BYTES = 250_000;

    private final ClickHouseStore store;

    public FreshRows(ClickHouseStore store) {
        this.store = store;
    }

    public List<Row> of(Identity identity, List<Row> rows) {
        Set<String> finals = new LinkedHashSet<>();
        Set<String> interims = new LinkedHashSet<>();
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (Row row : rows) {
            if (row.id() == null) {
                continue;
            }
            if (row.rolledUp()) {
                finals.add(row.id());
                from = Math.min(from, row.timeMillis());
                to = Math.max(to, row.timeMillis());
            } else {
                interims.add(row.id());
            }
        }
        Set<String> stored = new HashSet<>();
        if (!finals.isEmpty()) {
            stored.addAll(stored(identity, finals, from, to));
        }
        interims.removeAll(finals);
        if (!interims.isEmpty()) {
            // an interim row redelivered after its final was stored: the final's time is later, unknown
            // here; interim rows are few (long streams only), so these ids are looked up unbounded
            stored.addAll(stored(identity, interims, Long.MIN_VALUE, Long.MAX_VALUE));
        }
        Set<String> finalsInBatch = finals;
        Set<String> taken = new HashSet<>();
        List<Row> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            String id = row.id();
            if (id == null) {
                out.add(row);
            } else if (stored.contains(id)) {
                continue;
            } else if (row.rolledUp() ? taken.add(id) : !finalsInBatch.contains(id)) {
                out.add(row);
            }
        }
        return out;
    }

    private Set<String> stored(Identity identity, Set<String> ids, long fromMillis, long toMillis) {
        String time = fromMillis == Long.MIN_VALUE
                ? ""
                : " AND " + identity.timeColumn() + " BETWEEN fromUnixTimestamp64Milli(" + fromMillis
                        + ", 'UTC') AND fromUnixTimestamp64Milli(" + toMillis + ", 'UTC')";
        Set<String> stored = new HashSet<>();
        for (String idsJson : Sql.jsonStringArrays(ids, LOOKUP_BYTES)) {
            store.query("SELECT DISTINCT " + identity.idColumn() + " AS id FROM " + identity.table() + " WHERE "
                            + identity.idColumn() + " IN (SELECT arrayJoin(JSONExtract(" + idsJson
                            + ", 'Array(String)')))" + identity.storedFilter() + time)
                    .forEach(r -> stored.add(r.getString("id")));
        }
        return stored;
    }
}
