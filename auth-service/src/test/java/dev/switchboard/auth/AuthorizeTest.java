package dev.switchboard.auth;

import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.PostgresResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import static dev.switchboard.auth.AuthApi.ADMIN;
import static dev.switchboard.auth.AuthApi.SERVICE_TOKEN;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
class AuthorizeTest {

    @Test
    void aValidKeyGetsAHoldAndTheCreditIsReserved() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        assertThat(key).startsWith("sk-sb-v1-").hasSize("sk-sb-v1-".length() + 43);

        AuthApi.authorize(key, "gen-" + UUID.randomUUID(), 250_000_000L)
                .statusCode(200)
                .body("accountId", equalTo(account))
                .body("holdNanos", equalTo(250_000_000));

        assertThat(AuthApi.held(account)).isEqualTo(250_000_000L);
        assertThat(AuthApi.balance(account)).isEqualTo(1_000_000_000L);
    }

    @Test
    void aHoldBeyondTheAvailableCreditIs402() {
        String account = AuthApi.account("0.10");
        String key = AuthApi.key(account, "inference");
        AuthApi.authorize(key, "gen-" + UUID.randomUUID(), 100_000_001L)
                .statusCode(402)
                .body("error.code", equalTo(402));
        assertThat(AuthApi.held(account)).isZero();
    }

    @Test
    void unknownMalformedAndMissingKeysAre401() {
        AuthApi.authorize("sk-sb-v1-" + "A".repeat(43), "gen-1", 1)
                .statusCode(401)
                .body("error.message", equalTo("Invalid API key"));
        AuthApi.authorize("not-a-key", "gen-2", 1).statusCode(401);
        AuthApi.authorize("sk-sb-v1-' OR '1'='1", "gen-3", 1).statusCode(401);
        AuthApi.authorize("", "gen-4", 1).statusCode(401).body("error.message", equalTo("Missing API key"));
    }

    @Test
    void managementKeysCannotCallModels() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "management");
        assertThat(key).startsWith("sk-sb-mgmt-v1-");
        AuthApi.authorize(key, "gen-" + UUID.randomUUID(), 1).statusCode(403);
    }

    @Test
    void internalAndAdminEndpointsRequireTheirTokens() {
        given().contentType(ContentType.JSON)
                .body(Map.of("key", "x"))
                .post("/internal/v1/keys/verify")
                .then()
                .statusCode(401)
                .body("error.code", equalTo(401));
        given().header("X-Switchboard-Service-Token", "wrong")
                .contentType(ContentType.JSON)
                .body(Map.of("key", "x"))
                .post("/internal/v1/keys/verify")
                .then()
                .statusCode(401);
        given().header("Authorization", "Bearer wrong")
                .get("/admin/v1/accounts/" + UUID.randomUUID())
                .then()
                .statusCode(401);
    }

    @Test
    void aTokenBeingRotatedOutIsAcceptedBesideTheCurrentOne() {
        String account = AuthApi.account("1.00");
        for (String admin : List.of("Bearer dev-admin-token", "Bearer dev-admin-token-previous")) {
            given().header("Authorization", admin)
                    .get("/admin/v1/accounts/" + account)
                    .then()
                    .statusCode(200);
        }
        given().header("Authorization", "Bearer dev-admin-token-previou")
                .get("/admin/v1/accounts/" + account)
                .then()
                .statusCode(401);
        for (String token : List.of("dev-internal-token", "dev-internal-token-previous")) {
            given().header("X-Switchboard-Service-Token", token)
                    .contentType(ContentType.JSON)
                    .body(Map.of("key", "sk-sb-v1-unknown"))
                    .post("/internal/v1/keys/verify")
                    .then()
                    .statusCode(401)
                    // past the credential: the key itself is what is refused
                    .body("error.message", not(containsString("service token")));
        }
    }

    @Test
    void verifyAnswersTheKeysClaimsWithoutReservingCredit() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        given().header("X-Switchboard-Service-Token", SERVICE_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("key", key))
                .post("/internal/v1/keys/verify")
                .then()
                .statusCode(200)
                .body("accountId", equalTo(account))
                .body("kind", equalTo("inference"));
        assertThat(AuthApi.held(account)).isZero();
    }

    @Test
    void keysAreListedByPrefixOnlyAndNeverStoredInClear() {
        String account = AuthApi.account(null);
        String key = AuthApi.key(account, "inference");
        String listing = given().header("Authorization", ADMIN)
                .get("/admin/v1/accounts/" + account + "/keys")
                .then()
                .statusCode(200)
                .body("[0].prefix", equalTo(key.substring(0, "sk-sb-v1-".length() + 6) + "..."))
                .extract()
                .asString();
        assertThat(listing).doesNotContain(key.substring("sk-sb-v1-".length()));
    }

    @Test
    void releaseGivesTheHoldBack() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String hold = AuthApi.hold(key, "gen-" + UUID.randomUUID(), 400_000_000L);
        given().header("X-Switchboard-Service-Token", SERVICE_TOKEN)
                .post("/internal/v1/holds/" + hold + "/release")
                .then()
                .statusCode(204);
        assertThat(AuthApi.held(account)).isZero();
        // releasing twice changes nothing
        given().header("X-Switchboard-Service-Token", SERVICE_TOKEN)
                .post("/internal/v1/holds/" + hold + "/release")
                .then()
                .statusCode(204);
        assertThat(AuthApi.held(account)).isZero();
    }

    @Test
    void finishingAHoldKeepsItsCostHeldAndFreesTheRestAtOnce() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String hold = AuthApi.hold(key, "gen-" + UUID.randomUUID(), 400_000_000L);
        assertThat(hold).contains(".gen-");

        AuthApi.internal()
                .body(Map.of("costNanos", 1_234L))
                .post("/internal/v1/holds/" + hold + "/finish")
                .then()
                .statusCode(204);

        // the cost stays held until its charge debits it; the other 399,998,766 are available again
        assertThat(AuthApi.held(account)).isEqualTo(1_234L);
        assertThat(AuthApi.balance(account)).isEqualTo(1_000_000_000L);
        AuthApi.internal()
                .body(Map.of("costNanos", 1L))
                .post("/internal/v1/holds/" + hold + "/finish")
                .then()
                .statusCode(404);
        AuthApi.internal()
                .body(Map.of("costNanos", -1L))
                .post("/internal/v1/holds/" + hold + "/finish")
                .then()
                .statusCode(400);
        // the freed credit serves the next request at once
        AuthApi.authorize(key, "gen-" + UUID.randomUUID(), 999_000_000L).statusCode(200);
        // 1,000,000,000 - 1,234 - 999,000,000 = 998,766 left
        AuthApi.authorize(key, "gen-" + UUID.randomUUID(), 998_767L).statusCode(402);
        AuthApi.authorize(key, "gen-" + UUID.randomUUID(), 998_766L).statusCode(200);
    }

    @Test
    void finishesSentTogetherEachFreeTheirHold() {
        String account = AuthApi.account("1.00");
        String key = AuthApi.key(account, "inference");
        String a = AuthApi.hold(key, "gen-" + UUID.randomUUID(), 300_000_000L);
        String b = AuthApi.hold(key, "gen-" + UUID.randomUUID(), 300_000_000L);
        AuthApi.internal()
                .body(Map.of(
                        "holds",
                        List.of(
                                Map.of("holdId", a, "costNanos", 100L),
                                Map.of("holdId", b, "costNanos", 200L),
                                Map.of("holdId", "unknown.gen-x", "costNanos", 1L))))
                .post("/internal/v1/holds/finish")
                .then()
                .statusCode(200)
                .body("finished", equalTo(2));
        assertThat(AuthApi.held(account)).isEqualTo(300L);
    }

    @Test
    void manySequentialRequestsSustainOnASmallBalanceWhenEachHoldIsFinished() {
        String account = AuthApi.account("0.01");
        String key = AuthApi.key(account, "inference");
        // each hold is the whole balance; finishing it at a tiny cost frees it for the next one
        for (int i = 0; i < 50; i++) {
            String hold = AuthApi.hold(key, "gen-" + UUID.randomUUID(), 9_000_000L);
            AuthApi.internal()
                    .body(Map.of("costNanos", 10L))
                    .post("/internal/v1/holds/" + hold + "/finish")
                    .then()
                    .statusCode(204);
        }
        assertThat(AuthApi.held(account)).isEqualTo(500L);
    }

    @Test
    void anotherKeyOfTheAccountIsServedWhenTheFirstKeysLeaseTookTheBalance() {
        String account = AuthApi.account("0.50");
        String first = AuthApi.key(account, "inference");
        String second = AuthApi.key(account, "inference");
        // the first key's lease reserves the whole balance; the second key's grant takes back its unused part
        AuthApi.hold(first, "gen-" + UUID.randomUUID(), 100_000_000L);
        AuthApi.hold(second, "gen-" + UUID.randomUUID(), 300_000_000L);
        AuthApi.hold(first, "gen-" + UUID.randomUUID(), 100_000_000L);
        AuthApi.authorize(second, "gen-" + UUID.randomUUID(), 1L).statusCode(402);
        assertThat(AuthApi.held(account)).isEqualTo(500_000_000L);
    }

    @Test
    void concurrentHoldsNeverExceedTheBalance() throws Exception {
        String account = AuthApi.account("0.05");
        String key = AuthApi.key(account, "inference");
        long hold = 10_000_000L; // the balance covers exactly five
        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(20)) {
            for (int i = 0; i < 20; i++) {
                calls.add(CompletableFuture.supplyAsync(
                        () -> AuthApi.authorize(key, "gen-" + UUID.randomUUID(), hold)
                                .extract()
                                .statusCode(),
                        pool));
            }
        }
        List<Integer> statuses = calls.stream().map(CompletableFuture::join).toList();
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(5);
        assertThat(statuses).filteredOn(s -> s == 402).hasSize(15);
        assertThat(AuthApi.held(account)).isEqualTo(50_000_000L);
    }

    @Test
    void creditTopUpsAreIdempotent() {
        String account = AuthApi.account(null);
        String idem = UUID.randomUUID().toString();
        for (int i = 0; i < 3; i++) {
            given().header("Authorization", ADMIN)
                    .header("Idempotency-Key", idem)
                    .contentType(ContentType.JSON)
                    .body(Map.of("amount_usd", "2.50"))
                    .post("/admin/v1/accounts/" + account + "/credits")
                    .then()
                    .statusCode(200)
                    .body("balance_nanos", equalTo(2_500_000_000L));
        }
        given().header("Authorization", ADMIN)
                .header("Idempotency-Key", idem)
                .contentType(ContentType.JSON)
                .body(Map.of("amount_usd", "3.00"))
                .post("/admin/v1/accounts/" + account + "/credits")
                .then()
                .statusCode(409);
        given().header("Authorization", ADMIN)
                .contentType(ContentType.JSON)
                .body(Map.of("amount_usd", "1"))
                .post("/admin/v1/accounts/" + account + "/credits")
                .then()
                .statusCode(400)
                .body("error.message", containsString("Idempotency-Key"));
        given().header("Authorization", ADMIN)
                .header("Idempotency-Key", "x")
                .contentType(ContentType.JSON)
                .body(Map.of("amount_usd", "lots"))
                .post("/admin/v1/accounts/" + account + "/credits")
                .then()
                .statusCode(400);
    }

    @Test
    void sqlMetacharactersInFieldsAreInert() {
        String name = "Robert'); DROP TABLE auth.accounts;--";
        given().header("Authorization", ADMIN)
                .contentType(ContentType.JSON)
                .body(Map.of("name", name))
                .post("/admin/v1/accounts")
                .then()
                .statusCode(201)
                .body("name", equalTo(name));
        AuthApi.account("1.00");
    }

    @Test
    void malformedBodiesAre400NotStackTraces() {
        given().header("Authorization", ADMIN)
                .contentType(ContentType.JSON)
                .body("{not json")
                .post("/admin/v1/accounts")
                .then()
                .statusCode(400)
                .body("error.code", equalTo(400))
                .body(not(containsString("Exception")));
    }
}
