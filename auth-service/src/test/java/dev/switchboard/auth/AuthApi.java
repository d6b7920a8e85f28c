package dev.switchboard.auth;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Calls of auth-service's own API used by the tests to set up accounts and keys. */
final class AuthApi {

    static final String ADMIN = "Bearer dev-admin-token";
    static final String SERVICE_TOKEN = "dev-internal-token";

    private AuthApi() {}

    /** A fresh account holding {@code creditUsd}; answers its id. */
    static String account(String creditUsd) {
        String id = given().header("Authorization", ADMIN)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "test-" + UUID.randomUUID()))
                .post("/admin/v1/accounts")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        if (creditUsd != null) {
            given().header("Authorization", ADMIN)
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .contentType(ContentType.JSON)
                    .body(Map.of("amount_usd", creditUsd))
                    .post("/admin/v1/accounts/" + id + "/credits")
                    .then()
                    .statusCode(200);
        }
        return id;
    }

    static String key(String accountId, String kind) {
        return key(accountId, Map.of("kind", kind, "label", "test"));
    }

    /** A key issued with the given body (kind, label and any limit fields); answers its secret. */
    static String key(String accountId, Map<String, Object> body) {
        return given().header("Authorization", ADMIN)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/admin/v1/accounts/" + accountId + "/keys")
                .then()
                .statusCode(201)
                .extract()
                .path("secret");
    }

    static io.restassured.specification.RequestSpecification internal() {
        return given().header("X-Switchboard-Service-Token", SERVICE_TOKEN).contentType(ContentType.JSON);
    }

    /** The key id behind a secret, as auth vouches for it. */
    static String keyId(String secret) {
        return internal()
                .body(Map.of("key", secret))
                .post("/internal/v1/keys/verify")
                .then()
                .statusCode(200)
                .extract()
                .path("keyId");
    }

    static ValidatableResponse authorize(String key, String generationId, long holdNanos) {
        return given().header("X-Switchboard-Service-Token", SERVICE_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "key",
                        key,
                        "generationId",
                        generationId,
                        "model",
                        "openai/gpt-4o-mini",
                        "holdNanos",
                        holdNanos))
                .post("/internal/v1/authorize")
                .then();
    }

    /** Places a hold that must succeed; answers its id. */
    static String hold(String key, String generationId, long holdNanos) {
        return authorize(key, generationId, holdNanos).statusCode(200).extract().path("holdId");
    }

    static long balance(String accountId) {
        return nanos(accountId, "balance_nanos");
    }

    /** What the account's leases reserve (held, plus their unused credit). */
    static long leased(String accountId) {
        return nanos(accountId, "leased_nanos");
    }

    static long held(String accountId) {
        return nanos(accountId, "held_nanos");
    }

    /** One amount of the admin view of an account. */
    private static long nanos(String accountId, String field) {
        return ((Number) given().header("Authorization", ADMIN)
                        .get("/admin/v1/accounts/" + accountId)
                        .then()
                        .statusCode(200)
                        .extract()
                        .path(field))
                .longValue();
    }
}
