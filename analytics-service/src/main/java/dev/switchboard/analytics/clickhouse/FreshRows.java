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

    /** Where a table keeps the ids and which stored rows count as already recorded. */
    public record Identity(String table, String idColumn, String storedFilter) {

        public static final Identity GENERATIONS =
                new Identity("generations", "id", " AND status != '" + Rows.IN_PROGRESS + "'");
        public static final Identity CHARGES = new Identity("charges", "charge_id", "");
    }

    private final ClickHouseStore store;

    public FreshRows(ClickHouseStore store) {
        this.store = store;
    }

    public List<Row> of(Identity identity, List<Row> rows) {
        Set<String> ids = new LinkedHashSet<>();
        Set<String> finalsInBatch = new HashSet<>();
        for (Row row : rows) {
            if (row.id() != null) {
                ids.add(row.id());
                if (row.rolledUp()) {
                    finalsInBatch.add(row.id());
                }
            }
        }
        if (ids.isEmpty()) {
            return rows;
        }
        Set<String> stored = stored(identity, ids);
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

    private Set<String> stored(Identity identity, Set<String> ids) {
        Set<String> stored = new HashSet<>();
        store.query("SELECT DISTINCT " + identity.idColumn() + " AS id FROM " + identity.table() + " WHERE "
                        + identity.idColumn() + " IN " + Sql.stringTuple(ids) + identity.storedFilter())
                .forEach(r -> stored.add(r.getString("id")));
        return stored;
    }
}
