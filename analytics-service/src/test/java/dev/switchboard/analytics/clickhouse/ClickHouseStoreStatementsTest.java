package dev.switchboard.analytics.clickhouse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClickHouseStoreStatementsTest {

    @Test
    void migrationsSplitAtLineEndingSemicolonsWithoutComments() {
        assertThat(ClickHouseStore.statements("""
                -- a comment; with a semicolon
                CREATE TABLE a (x String DEFAULT 'a;b')
                ENGINE = Memory;

                CREATE TABLE b (y UInt8) ENGINE = Memory;
                """))
                .containsExactly(
                        "CREATE TABLE a (x String DEFAULT 'a;b')\nENGINE = Memory",
                        "CREATE TABLE b (y UInt8) ENGINE = Memory");
    }
}
