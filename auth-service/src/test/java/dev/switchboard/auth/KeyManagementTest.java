package dev.switchboard.auth;

import dev.switchboard.events.EventCodec;
import dev.switchboard.events.KeyEventV1;
import dev.switchboard.events.Topics;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.PostgresResource;
import dev.switchboard.testsupport.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.switchboard.auth.AuthApi.ADMIN;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** The management API as the edge calls it on behalf of a management key (account-scoped). */
@QuarkusTest
@QuarkusTestResource(value = PostgresResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
class KeyManagementTest {

    private static ExtractableResponse<Response> create(String account, Map<String, Object> body) {
        return AuthApi.internal()
                .body(body)
                .post("/internal/v1/accounts/" + account + "/keys")
                .then()
                .statusCode(201)
                .extract();
    }

    @Test
    void createListReadUpdateAndDeleteAKey() {
        String account = AuthApi.account("5.00");
        var created =
                create(account, Map.of("name", "ci", "limit", 2.5, "limit_reset", "monthly", "rate_limit_rpm", 60));
        String secret = created.path("key");
        String hash = created.path("data.hash");
        assertThat(secret).startsWith("sk-sb-v1-");
        assertThat(created.<String>path("data.name")).isEqualTo("ci");
        assertThat(created.<Float>path("data.limit")).isEqualTo(2.5f);
        assertThat(created.<String>path("data.limit_reset")).isEqualTo("monthly");
        assertThat(created.<String>path("data.label")).endsWith("...");

        AuthApi.internal()
                .get("/internal/v1/accounts/" + account + "/keys")
                .then()
                .statusCode(200)
                .body("data", hasSize(1))
                .body("data[0].hash", equalTo(hash))
                .body("data[0].rate_limit_rpm", equalTo(60));
        AuthApi.internal()
                .get("/internal/v1/accounts/" + account + "/keys/" + hash)
                .then()
                .statusCode(200)
                .body("data.usage", equalTo(0))
                .body("data.limit_remaining", equalTo(2.5f));

        // the key works, then is disabled, then deleted
        AuthApi.authorize(secret, "gen-" + UUID.randomUUID(), 1_000).statusCode(200);
        Map<String, Object> disableAndUnlimit = new java.util.HashMap<>();
        disableAndUnlimit.put("disabled", true);
        disableAndUnlimit.put("limit", null);
        AuthApi.internal()
                .body(disableAndUnlimit)
                .patch("/internal/v1/accounts/" + account + "/keys/" + hash)
                .then()
                .statusCode(200)
                .body("data.disabled", equalTo(true))
                .body("data.limit", nullValue());
        AuthApi.authorize(secret, "gen-" + UUID.randomUUID(), 1_000).statusCode(403);
        AuthApi.internal()
                .get("/internal/v1/accounts/" + account + "/keys")
                .then()
                .body("data", hasSize(0));
        AuthApi.internal()
                .get("/internal/v1/accounts/" + account + "/keys?include_disabled=true")
                .then()
                .body("data", hasSize(1));

        AuthApi.internal()
                .delete("/internal/v1/accounts/" + account + "/keys/" + hash)
                .then()
                .statusCode(200)
                .body("deleted", equalTo(true));
        AuthApi.internal()
                .get("/internal/v1/accounts/" + account + "/keys/" + hash)
                .then()
                .statusCode(404);
        AuthApi.authorize(secret, "gen-" + UUID.randomUUID(), 1_000).statusCode(401);
    }

    @Test
    void anotherAccountCannotSeeOrChangeTheKey() {
        String owner = AuthApi.account("1.00");
        String stranger = AuthApi.account("1.00");
        String hash = create(owner, Map.of("name", "mine")).path("data.hash");
        AuthApi.internal()
                .get("/internal/v1/accounts/" + stranger + "/keys/" + hash)
                .then()
                .statusCode(404);
        AuthApi.internal()
                .body(Map.of("disabled", true))
                .patch("/internal/v1/accounts/" + stranger + "/keys/" + hash)
                .then()
                .statusCode(404);
        AuthApi.internal()
                .delete("/internal/v1/accounts/" + stranger + "/keys/" + hash)
                .then()
                .statusCode(404);
        AuthApi.internal()
                .get("/internal/v1/accounts/" + owner + "/keys/" + hash)
                .then()
                .statusCode(200)
                .body("data.disabled", equalTo(false));
    }

    @Test
    void badFieldsAre400AndChangeNothing() {
        String account = AuthApi.account("1.00");
        String hash = create(account, Map.of("name", "k")).path("data.hash");
        AuthApi.internal()
                .body(Map.of())
                .post("/internal/v1/accounts/" + account + "/keys")
                .then()
                .statusCode(400);
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("limit", "lots"),
                Map.of("limit", -1),
                Map.of("limit_reset", "hourly"),
                Map.of("expires_at", "tomorrow"),
                Map.of("expires_at", "2001-01-01T00:00:00Z"),
                Map.of("disabled", "yes"),
                Map.of("rate_limit_rpm", 0),
                Map.of("name", 42))) {
            AuthApi.internal()
                    .body(bad)
                    .patch("/internal/v1/accounts/" + account + "/keys/" + hash)
                    .then()
                    .statusCode(400)
                    .body("error.code", equalTo(400));
        }
        AuthApi.internal()
                .get("/internal/v1/accounts/" + account + "/keys/" + hash)
                .then()
                .body("data.name", equalTo("k"))
                .body("data.limit", nullValue());
    }

    @Test
    void changesArePublishedAndBumpTheVersionCachesCheck() {
        String account = AuthApi.account("1.00");
        var created = create(account, Map.of("name", "evented"));
        String hash = created.path("data.hash");
        String secret = created.path("key");
        long before = ((Number) AuthApi.internal()
                        .body(Map.of("key", secret))
                        .post("/internal/v1/keys/verify")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("version"))
                .longValue();
        AuthApi.internal()
                .body(Map.of("ids", List.of(hash)))
                .post("/internal/v1/keys/versions")
                .then()
                .statusCode(200)
                .body("versions." + hash, notNullValue());

        AuthApi.internal()
                .body(Map.of("name", "renamed"))
                .patch("/internal/v1/accounts/" + account + "/keys/" + hash)
                .then()
                .statusCode(200);
        long after = ((Number) AuthApi.internal()
                        .body(Map.of("key", secret))
                        .post("/internal/v1/keys/verify")
                        .then()
                        .extract()
                        .path("version"))
                .longValue();
        assertThat(after).isGreaterThan(before);

        AuthApi.internal()
                .body(Map.of("disabled", true))
                .patch("/internal/v1/accounts/" + account + "/keys/" + hash)
                .then()
                .statusCode(200);
        AuthApi.internal()
                .body(Map.of("ids", List.of(hash)))
                .post("/internal/v1/keys/versions")
                .then()
                .statusCode(200)
                .body("versions." + hash, nullValue());

        assertThat(TopicProbe.find(
                        KafkaResource.bootstrapServers(),
                        Topics.KEY_EVENTS,
                        r -> {
                            KeyEventV1 e = EventCodec.decode(r.value(), KeyEventV1.TYPE, KeyEventV1.class)
                                    .data();
                            return e.keyId().equals(hash) && e.action().equals("revoked");
                        },
                        Duration.ofSeconds(20)))
                .isPresent();
    }

    @Test
    void keyInfoCreditsAndPreferences() {
        String account = AuthApi.account("3.00");
        String secret = AuthApi.key(account, Map.of("kind", "inference", "label", "info", "rate_limit_rpm", 30));
        String keyId = AuthApi.keyId(secret);
        AuthApi.internal()
                .get("/internal/v1/keys/" + keyId)
                .then()
                .statusCode(200)
                .body("data.label", notNullValue())
                .body("data.is_management_key", equalTo(false))
                .body("data.rate_limit.requests", equalTo(30))
                .body("data.limit", nullValue())
                .body("data.usage", equalTo(0));
        AuthApi.internal()
                .get("/internal/v1/accounts/" + account + "/credits")
                .then()
                .statusCode(200)
                .body("data.total_credits", equalTo(3))
                .body("data.total_usage", equalTo(0));

        given().header("Authorization", ADMIN)
                .contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of(
                        "fallback_models",
                        List.of("meta-llama/llama-3.1-8b-instruct"),
                        "max_cost_per_request_usd",
                        0.25,
                        "ignored_providers",
                        List.of("together"),
                        "deny_data_collection",
                        true))
                .put("/admin/v1/accounts/" + account + "/preferences")
                .then()
                .statusCode(200)
                .body("max_cost_per_request_usd", equalTo(0.25f));
        AuthApi.internal()
                .body(Map.of("key", secret))
                .post("/internal/v1/keys/verify")
                .then()
                .statusCode(200)
                .body("rateLimitRpm", equalTo(30))
                .body("preferences.maxCostPerRequestNanos", equalTo(250_000_000))
                .body("preferences.ignoredProviders[0]", equalTo("together"));
        AuthApi.authorize(secret, "gen-" + UUID.randomUUID(), 1000)
                .statusCode(200)
                .body("preferences.fallbackModels[0]", equalTo("meta-llama/llama-3.1-8b-instruct"));
        given().header("Authorization", ADMIN)
                .contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("default_sort", "fastest"))
                .put("/admin/v1/accounts/" + account + "/preferences")
                .then()
                .statusCode(400);
    }
}
