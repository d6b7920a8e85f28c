package dev.switchboard.analytics.clickhouse;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationsTest {

    @Test
    void migrationsSplitAtLineEndingSemicolonsWithoutComments() {
        assertThat(Migrations.statements("""
                -- a comment; with a semicolon
                CREATE TABLE a (x String DEFAULT 'a;b')
                ENGINE = Memory;

                CREATE TABLE b (y UInt8) ENGINE = Memory;
                """))
                .containsExactly(
                        "CREATE TABLE a (x String DEFAULT 'a;b')\nENGINE = Memory",
                        "CREATE TABLE b (y UInt8) ENGINE = Memory");
    }

    @Test
    void aChecksumIgnoresLineEndingsAndSeesAnyOtherEdit() {
        String sql = "CREATE TABLE a (x String) ENGINE = Memory;\n";
        assertThat(Migrations.checksum(sql)).hasSize(64).isEqualTo(Migrations.checksum(sql.replace("\n", "\r\n")));
        assertThat(Migrations.checksum(sql)).isNotEqualTo(Migrations.checksum(sql.replace("String", "UInt8")));
    }

    @Test
    void aTtlOfZeroDaysIsNone() {
        assertThat(Migrations.ttl("minute", 0)).isNull();
        assertThat(Migrations.ttl("completed_at", 90)).isEqualTo("toDateTime(completed_at) + toIntervalDay(90)");
    }

    @Test
    void literalsAreEscapedSoNoValueEndsItsString() {
        assertThat(Sql.escape("a'b\\c\nd")).isEqualTo("a\\'b\\\\c\\nd");
        assertThat(Sql.stringTuple(List.of("x", "y'"))).isEqualTo("('x', 'y\\'')");
        assertThat(Sql.stringTuple(List.of())).isEqualTo("('')");
        assertThat(Sql.jsonStringArrays(List.of("x", "y'\"\\"), 1_000))
                .containsExactly("'[\"x\",\"y\\'\\\\\"\\\\\\\\\"]'");
        assertThat(Sql.jsonStringArrays(List.of(), 1_000)).isEmpty();
        // 4 bytes per value with its comma ("a",): parts of at most 8 bytes hold two
        assertThat(Sql.jsonStringArrays(List.of("a", "b", "c", "d", "e"), 8))
                .containsExactly("'[\"a\",\"b\"]'", "'[\"c\",\"d\"]'", "'[\"e\"]'");
    }
}
