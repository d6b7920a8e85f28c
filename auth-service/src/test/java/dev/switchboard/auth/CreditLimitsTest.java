package dev.switchboard.auth;

import dev.switchboard.auth.service.AuthException;
import dev.switchboard.auth.service.CreditLeases;
import dev.switchboard.auth.service.CreditService;
import dev.switchboard.auth.service.LimitPeriod;
import dev.switchboard.events.ChargeV1;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
class CreditLimitsTest {

    @Inject
    Pool pool;

    @Inject
    CreditService credit;

    @Inject
    CreditLeases leases;

    @Test
    void aKeyLimitCapsHoldsOnTopOfTheAccountBalance() {
        String account = AuthApi.account("10.00");
        String key = AuthApi.key(
                account, Map.of("kind", "inference", "label", "capped", "limit", 0.01, "limit_reset", "daily"));

        AuthApi.authorize(key, "gen-" + UUID.randomUUID(), 6_000_000L).statusCode(200);
        AuthApi.authorize(key, "gen-" + UUID.randomUUID(), 6_000_000L)
                .statusCode(403)
                .body("error.code", equalTo(403))
                .body("error.message", containsString("Key limit"));
        // the account could pay; only the key's limit refused
        assertThat(AuthApi.held(account)).isEqualTo(6_000_000L);
    }

    @Test
    void spendCountsAgainstThePeriodAndANewPeriodStartsAfresh() {
        String account = AuthApi.account("10.00");
        String key = AuthApi.key(
                account, Map.of("kind", "inference", "label", "daily", "limit", 0.01, "limit_reset", "daily"));
        String keyId = AuthApi.keyId(key);
        String hold = AuthApi.hold(key, "gen-" + UUID.randomUUID(), 9_000_000L);
        // the request cost all of it: period spend 9,000,000 of the 10,000,000 limit
        credit.settleAll(List.of(new ChargeV1(
                        ChargeV1.chargeId("gen-spent", 0),
                        "gen-spent",
                        0,
                        true,
                        account,
                        keyId,
                        hold,
                        "openai/gpt-4o-mini",
                        "openai",
                        1,
                        1,
                        0,
                        0,
                        9_000_000L,
                        "USD",
                        Instant.now())))
                .await()
                .indefinitely();
        AuthApi.authorize(key, "gen-" + UUID.randomUUID(), 2_000_000L).statusCode(403);

        // yesterday's spend: the daily limit has reset
        pool.preparedQuery("UPDATE auth.api_keys SET period_start = period_start - interval '1 day' WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(keyId)))
                .await()
                .indefinitely();
        AuthApi.authorize(key, "gen-" + UUID.randomUUID(), 2_000_000L).statusCode(200);
    }

    @Test
    void aHoldCanBeExtendedWithinTheBalanceAndTheKeyLimit() {
        String account = AuthApi.account("0.10");
        String key = AuthApi.key(account, "inference");
        String generation = AuthApi.hold(key, "gen-" + UUID.randomUUID(), 40_000_000L);

        AuthApi.internal()
                .body(Map.of("nanos", 30_000_000L))
                .post("/internal/v1/holds/" + generation + "/extend")
                .then()
                .statusCode(200)
                .body("holdNanos", equalTo(70_000_000));
        assertThat(AuthApi.held(account)).isEqualTo(70_000_000L);

        AuthApi.internal()
                .body(Map.of("nanos", 40_000_000L))
                .post("/internal/v1/holds/" + generation + "/extend")
                .then()
                .statusCode(402);
        assertThat(AuthApi.held(account)).isEqualTo(70_000_000L);

        AuthApi.internal()
                .post("/internal/v1/holds/" + generation + "/release")
                .then()
                .statusCode(204);
        // a hold that ended is no longer open here
        AuthApi.internal()
                .body(Map.of("nanos", 1L))
                .post("/internal/v1/holds/" + generation + "/extend")
                .then()
                .statusCode(404);
        AuthApi.internal()
                .body(Map.of("nanos", 1L))
                .post("/internal/v1/holds/gen-unknown/extend")
                .then()
                .statusCode(404);
        assertThat(AuthApi.held(account)).isZero();
    }

    @Test
    void anExtensionTakenAfterItsHoldFinishedGivesBackWhatItTook() throws Exception {
        String account = AuthApi.account("10.00");
        String key = AuthApi.key(account, "inference");
        String hold = AuthApi.hold(key, "gen-" + UUID.randomUUID(), 40_000_000L);

        // more than the lease has left: the extension waits for a grant (a database round trip), and the
        // request ends meanwhile (a stream's last tokens asked for it). The test holds the key's and the
        // account's rows locked, so the grant is still waiting when the hold finishes (without the lock a
        // fast grant could land first and the race this test is about would not happen).
        // (the ids are read first: the transaction's callbacks run on an event loop, which must not block)
        UUID keyId = UUID.fromString(AuthApi.keyId(key));
        UUID accountId = UUID.fromString(account);
        var locked = new CompletableFuture<Void>();
        var unlock = new CompletableFuture<Void>();
        CompletableFuture<Void> lock = pool.withTransaction(
                        c -> c.preparedQuery("SELECT id FROM auth.api_keys WHERE id = $1 FOR UPDATE")
                                .execute(Tuple.of(keyId))
                                .chain(() -> c.preparedQuery("SELECT id FROM auth.accounts WHERE id = $1 FOR UPDATE")
                                        .execute(Tuple.of(accountId)))
                                .invoke(() -> locked.complete(null))
                                .chain(() -> io.smallrye.mutiny.Uni.createFrom().completionStage(unlock)))
                .replaceWithVoid()
                .onFailure()
                .invoke(locked::completeExceptionally)
                .subscribeAsCompletionStage();
        locked.get(30, TimeUnit.SECONDS);
        CompletableFuture<Long> extension = leases.extend(hold, 2_000_000_000L).subscribeAsCompletionStage();
        assertThat(leases.finish(hold, 0)).isTrue();
        assertThat(extension).as("the grant waits for the locked rows").isNotDone();
        unlock.complete(null);
        lock.get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> extension.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(AuthException.class);

        // what the extension took is not held for a request that ended
        assertThat(AuthApi.held(account)).isZero();
        // and the idle lease gives everything back
        await().atMost(Duration.ofSeconds(30)).until(() -> AuthApi.leased(account) == 0);
    }

    @Test
    void expiredAndDisabledKeysAreRefused() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String keyId = AuthApi.keyId(key);
        pool.preparedQuery("UPDATE auth.api_keys SET expires_at = now() - interval '1 second' WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(keyId)))
                .await()
                .indefinitely();
        AuthApi.authorize(key, "gen-" + UUID.randomUUID(), 1)
                .statusCode(401)
                .body("error.message", containsString("expired"));

        String other = AuthApi.key(account, "inference");
        pool.preparedQuery("UPDATE auth.api_keys SET disabled = true WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(AuthApi.keyId(other))))
                .await()
                .indefinitely();
        AuthApi.authorize(other, "gen-" + UUID.randomUUID(), 1).statusCode(403);
    }

    @Test
    void authorizeByKeyIdReChecksTheKeyUnderItsLock() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String keyId = AuthApi.keyId(key);
        AuthApi.internal()
                .body(Map.of("keyId", keyId, "generationId", "gen-" + UUID.randomUUID(), "holdNanos", 1000))
                .post("/internal/v1/authorize")
                .then()
                .statusCode(200)
                .body("keyId", equalTo(keyId));
        // disabled through the management API: the key's lease retires and the next hold re-reads the key
        AuthApi.internal()
                .body(Map.of("disabled", true))
                .patch("/internal/v1/accounts/" + account + "/keys/" + keyId)
                .then()
                .statusCode(200);
        AuthApi.internal()
                .body(Map.of("keyId", keyId, "generationId", "gen-" + UUID.randomUUID(), "holdNanos", 1000))
                .post("/internal/v1/authorize")
                .then()
                .statusCode(403);
        AuthApi.internal()
                .body(Map.of("keyId", keyId, "generationId", "gen-" + UUID.randomUUID(), "holdNanos", 1000))
                .post("/internal/v1/authorize")
                .then()
                .statusCode(403);
    }

    @Test
    void limitPeriodsFollowUtcCalendarBoundaries() {
        Instant wednesdayEvening = Instant.parse("2026-11-25T23:59:59Z");
        assertThat(LimitPeriod.DAILY.start(wednesdayEvening)).isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
        assertThat(LimitPeriod.DAILY.next(wednesdayEvening)).isEqualTo(Instant.parse("2026-11-26T00:00:00Z"));
        assertThat(LimitPeriod.WEEKLY.start(wednesdayEvening)).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
        assertThat(LimitPeriod.WEEKLY.start(Instant.parse("2026-11-23T00:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
        assertThat(LimitPeriod.MONTHLY.start(wednesdayEvening)).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(LimitPeriod.MONTHLY.next(Instant.parse("2026-12-31T12:00:00Z")))
                .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(LimitPeriod.NEVER.start(wednesdayEvening)).isEqualTo(Instant.EPOCH);
        assertThat(LimitPeriod.NEVER.next(wednesdayEvening)).isNull();
    }
}
