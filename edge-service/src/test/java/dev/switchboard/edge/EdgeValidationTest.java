package dev.switchboard.edge;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * What the edge refuses on its own, before any other service is involved. The full path
 * (auth, router, providers) is covered by the end-to-end suite against the running stack.
 * Auth and router point at a closed port here, so reaching them is a 503.
 */
@QuarkusTest
@TestProfile(EdgeValidationTest.Isolated.class)
class EdgeValidationTest {

    public static class Isolated implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "switchboard.edge.auth-url", "http://127.0.0.1:9",
                    "switchboard.edge.router-url", "http://127.0.0.1:9",
                    "switchboard.edge.analytics-url", "http://127.0.0.1:9",
                    "switchboard.edge.max-body-bytes", "65536");
        }

        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return java.util.List.of(
                    new TestResourceEntry(dev.switchboard.testsupport.KafkaResource.class),
                    new TestResourceEntry(dev.switchboard.testsupport.RedisResource.class));
        }
    }

    private static final String VALID =
            "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void aMissingKeyIs401InThePublicShape() {
        for (String path : new String[] {"/api/v1/chat/completions", "/v1/chat/completions"}) {
            given().contentType(ContentType.JSON)
                    .body(VALID)
                    .post(path)
                    .then()
                    .statusCode(401)
                    .contentType(ContentType.JSON)
                    .body("error.code", equalTo(401))
                    .body("error.message", containsString("API key"));
        }
        given().header("Authorization", "Bearer ")
                .contentType(ContentType.JSON)
                .body(VALID)
                .post("/api/v1/chat/completions")
                .then()
                .statusCode(401);
    }

    @Test
    void malformedJsonIs400WithoutAStackTrace() {
        given().header("Authorization", "Bearer sk-sb-v1-anything")
                .contentType(ContentType.JSON)
                .body("{\"model\":")
                .post("/api/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.code", equalTo(400))
                .body(not(containsString("at com.")), not(containsString("Exception")));
    }

    @Test
    void aWrongTypeIs400NamingTheField() {
        given().header("Authorization", "Bearer sk-sb-v1-anything")
                .contentType(ContentType.JSON)
                .body(
                        "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":\"hot\"}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(400)
                .body("error.metadata.field", equalTo("temperature"));
    }

    @Test
    void anUnknownModelIs404() {
        given().header("Authorization", "Bearer sk-sb-v1-anything")
                .contentType(ContentType.JSON)
                .body("{\"model\":\"nobody/nothing\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/api/v1/chat/completions")
                .then()
                .statusCode(404)
                .body("error.code", equalTo(404))
                .body("error.metadata.model", equalTo("nobody/nothing"));
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String big = "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(70_000) + "\"}]}";
        given().header("Authorization", "Bearer sk-sb-v1-anything")
                .contentType(ContentType.JSON)
                .body(big)
                .post("/api/v1/chat/completions")
                .then()
                .statusCode(413)
                .body("error.code", equalTo(413));
    }

    @Test
    void anUnreachableAuthServiceIs503NotA500() {
        given().header("Authorization", "Bearer sk-sb-v1-anything")
                .contentType(ContentType.JSON)
                .body(VALID)
                .post("/api/v1/chat/completions")
                .then()
                .statusCode(503)
                .body("error.code", equalTo(503));
        given().header("Authorization", "Bearer sk-sb-v1-anything")
                .get("/api/v1/generation?id=gen-1")
                .then()
                .statusCode(503);
    }

    @Test
    void generationNeedsAnId() {
        given().header("Authorization", "Bearer sk-sb-v1-anything")
                .get("/api/v1/generation")
                .then()
                .statusCode(400)
                .body("error.metadata.field", equalTo("id"));
    }

    @Test
    void theOpenApiDocumentListsEveryPublicOperation() {
        var doc = given().get("/openapi")
                .then()
                .statusCode(200)
                .body("openapi", equalTo("3.1.0"))
                .extract()
                .jsonPath();
        for (String path : java.util.List.of(
                "/chat/completions",
                "/completions",
                "/messages",
                "/embeddings",
                "/models",
                "/embeddings/models",
                "/models/{author}/{slug}/endpoints",
                "/providers",
                "/generation",
                "/key",
                "/credits",
                "/keys",
                "/keys/{hash}")) {
            org.assertj.core.api.Assertions.assertThat(doc.getMap("paths"))
                    .as(path)
                    .containsKey(path);
        }
        org.assertj.core.api.Assertions.assertThat(doc.getMap("paths['/keys/{hash}']"))
                .containsKeys("get", "patch", "delete");
        org.assertj.core.api.Assertions.assertThat(doc.getString(
                        "paths['/chat/completions'].post.responses['402'].content['application/json'].schema['$ref']"))
                .isEqualTo("#/components/schemas/Error");
        given().get("/api/v1/openapi.json").then().statusCode(200);
    }

    @Test
    void anthropicErrorsHaveAnthropicsShape() {
        given().header("x-api-key", "sk-sb-v1-anything")
                .header("anthropic-version", "2023-06-01")
                .contentType(ContentType.JSON)
                .body("{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/messages")
                .then()
                .statusCode(400)
                .body("type", equalTo("error"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("max_tokens"));
    }

    @Test
    void readinessReportsTheMissingDependenciesButStaysUp() {
        // no auth-service nor router here: the edge is ready all the same (degrade, don't fail)
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'dependencies' }.data.'auth-service'", equalTo(false))
                .body("checks.find { it.name == 'dependencies' }.data.'router-service'", equalTo(false));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}
