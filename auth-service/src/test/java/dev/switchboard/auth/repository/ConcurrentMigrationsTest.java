package dev.switchboard.auth.repository;

import dev.switchboard.testsupport.ConcurrentMigrations;
import org.junit.jupiter.api.Test;

/**
 * Four replicas of auth-service starting at once against a fresh schema (a rollout of a Deployment with
 * four pods): Flyway's PostgreSQL lock lets one run apply the migrations while the others wait, then
 * find nothing to do; every version is applied exactly once and every replica starts.
 */
class ConcurrentMigrationsTest {

    @Test
    void replicasThatStartTogetherApplyEachMigrationOnce() throws Exception {
        // 4 migrations in src/main/resources/db/migration
        ConcurrentMigrations.run(4).assertEachMigrationAppliedOnce(4, 4);
    }
}
