package dev.switchboard.auth.repository;

import dev.switchboard.testsupport.ConcurrentMigrations;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four replicas of auth-service starting at once against a fresh schema (a rollout of a Deployment with
 * four pods): Flyway's PostgreSQL lock lets one run apply the migrations while the others wait, then
 * find nothing to do; every version is applied exactly once and every replica starts.
 */
class ConcurrentMigrationsTest {

    @Test
    void replicasThatStartTogetherApplyEachMigrationOnce() throws Exception {
        ConcurrentMigrations.Outcome outcome = ConcurrentMigrations.run(4);

        assertThat(outcome.appliedPerRun()).hasSize(4);
        assertThat(outcome.appliedPerRun().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(4);
        assertThat(outcome.historyCountByVersion())
                .hasSize(4)
                .allSatisfy((version, count) ->
                        assertThat(count).as("version %s", version).isEqualTo(1));
    }
}
