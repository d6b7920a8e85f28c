package dev.switchboard.billing.repository;

import dev.switchboard.testsupport.ConcurrentMigrations;
import org.junit.jupiter.api.Test;

/**
 * Four replicas of billing-service starting at once against a fresh schema (a rollout of a Deployment with
 * four pods): Flyway's PostgreSQL lock lets one run apply the migrations while the others wait, then
 * find nothing to do; every version is applied exactly once and every replica starts.
 */
class ConcurrentMigrationsTest {

    @Test
    void replicasThatStartTogetherApplyEachMigrationOnce() throws Exception {
        // 5 migrations in src/main/resources/db/migration
        ConcurrentMigrations.run(4).assertEachMigrationAppliedOnce(4, 5);
    }
}
