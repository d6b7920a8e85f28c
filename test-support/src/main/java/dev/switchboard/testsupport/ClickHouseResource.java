package dev.switchboard.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Points a service at the ClickHouse of the local stack (the local stand-in over chDB, or a real
 * server via {@code CLICKHOUSE_URL}) in its own database, so tests never mix with {@code make run} data.
 */
public final class ClickHouseResource implements QuarkusTestResourceLifecycleManager {

    public static final String TEST_DATABASE = "switchboard_test";

    @Override
    public Map<String, String> start() {
        LocalStack.requireListening("ClickHouse", LocalStack.clickhouse(), 8123);
        return Map.of(
                "switchboard.clickhouse.url",
                LocalStack.clickhouse().toString(),
                "switchboard.clickhouse.database",
                TEST_DATABASE,
                // the local stand-in speaks no LZ4 framing (a real server works either way)
                "switchboard.clickhouse.compression",
                "false");
    }

    @Override
    public void stop() {}
}
