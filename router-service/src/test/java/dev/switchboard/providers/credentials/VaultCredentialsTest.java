package dev.switchboard.providers.credentials;

import dev.switchboard.router.RouteCalls;
import dev.switchboard.testsupport.FakeVault;
import dev.switchboard.testsupport.SimulatorResource;
import dev.switchboard.wire.RouteEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Provider credentials from Vault (KV v2, static token), against {@link FakeVault}, a WireMock fake
 * of Vault's HTTP API. The simulator accepts only each provider's own key, so a request that
 * completes proves which value the router sent.
 */
@QuarkusTest
@TestProfile(VaultCredentialsTest.StaticToken.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VaultCredentialsTest {

    static final String TOKEN = "s.fake-static-token";
    static final String PROVIDER = "openai";
    static final String MODEL = "openai/gpt-4o-mini";

    /** Vault as the source, read every 300 ms; the static token's lease is 2 s, so it is renewed every second. */
    public static class StaticToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return FakeVault.credentialsFromVault(Map.of("quarkus.vault.authentication.client-token", TOKEN));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(StartingSecret.class));
        }
    }

    /** The fake, with the secret and renewal in place before the router starts. */
    public static class StartingSecret extends FakeVault {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = super.start();
            secret(TOKEN, good());
            renewable(TOKEN, 2);
            return config;
        }
    }

    static Map<String, String> good() {
        return Map.of(
                PROVIDER,
                SimulatorResource.credential(
                        dev.switchboard.catalog.CatalogLoader.builtIn().requireProvider(PROVIDER)),
                "unused-provider",
                "sk-unused");
    }

    @Inject
    VaultCredentialSource vault;

    @Inject
    CredentialSource credentials;

    @Inject
    MeterRegistry registry;

    @AfterEach
    void restore() {
        FakeVault.server().resetRequests();
        FakeVault.secret(TOKEN, good());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> vault.lastFailure() == null
                        && credentials.credential(PROVIDER).orElse("").equals(good().get(PROVIDER)));
    }

    @Test
    @Order(1)
    void theKeysComeFromTheKvV2SecretReadWithTheToken() {
        assertThat(vault.loaded()).isTrue();
        assertThat(credentials.credential("unused-provider")).contains("sk-unused");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> FakeVault.count(getRequestedFor(urlEqualTo(FakeVault.KV_PATH))
                                .withHeader("X-Vault-Token", equalTo(TOKEN)))
                        > 0);
        assertThat(RouteCalls.last(RouteCalls.pinned(PROVIDER, MODEL))).isInstanceOf(RouteEvent.Completed.class);
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'credentials' }.data.source", org.hamcrest.Matchers.equalTo("vault"));
    }

    @Test
    @Order(2)
    void aRotatedValueIsUsedWithoutARestart() {
        // the secret rotates to a key the provider refuses: the next requests carry it
        FakeVault.secret(TOKEN, Map.of(PROVIDER, "sk-rotated-but-revoked"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> credentials.credential(PROVIDER).orElse("").equals("sk-rotated-but-revoked"));
        RouteEvent refused = RouteCalls.last(RouteCalls.pinned(PROVIDER, MODEL));
        assertThat(refused).isInstanceOf(RouteEvent.Failed.class);

        // and back to the good one, again without a restart
        FakeVault.secret(TOKEN, good());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> credentials.credential(PROVIDER).equals(java.util.Optional.of(good().get(PROVIDER))));
        assertThat(RouteCalls.last(RouteCalls.pinned(PROVIDER, MODEL))).isInstanceOf(RouteEvent.Completed.class);
    }

    @Test
    @Order(3)
    void aForbiddenReadKeepsTheValuesInUse() {
        double before = refreshes("forbidden");
        FakeVault.secretFails(403, "1 error occurred:\n\t* permission denied\n\n");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> vault.lastFailure() != null && vault.lastFailure().contains("403"));
        assertThat(refreshes("forbidden")).isGreaterThan(before);
        assertThat(credentials.credential(PROVIDER)).contains(good().get(PROVIDER));
        assertThat(RouteCalls.last(RouteCalls.pinned(PROVIDER, MODEL))).isInstanceOf(RouteEvent.Completed.class);
        // still ready: the router serves on the values it has, and says why they are not fresh
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body(
                        "checks.find { it.name == 'credentials' }.data.last_failure",
                        org.hamcrest.Matchers.containsString("403"));
    }

    @Test
    @Order(4)
    void aSealedVaultKeepsTheValuesInUse() {
        double before = refreshes("unavailable");
        FakeVault.secretFails(503, "Vault is sealed");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> vault.lastFailure() != null && vault.lastFailure().contains("503"));
        assertThat(vault.lastFailure()).contains("sealed");
        assertThat(refreshes("unavailable")).isGreaterThan(before);
        assertThat(credentials.credential(PROVIDER)).contains(good().get(PROVIDER));
        assertThat(RouteCalls.last(RouteCalls.pinned(PROVIDER, MODEL))).isInstanceOf(RouteEvent.Completed.class);
    }

    @Test
    @Order(5)
    void theStaticTokenIsRenewedAtHalfItsLease() {
        long before = vault.tokenRenewals();
        // a 2 s lease: renew-self about every second, always with the token itself
        await().atMost(Duration.ofSeconds(6)).until(() -> vault.tokenRenewals() >= before + 2);
        assertThat(FakeVault.count(
                        postRequestedFor(urlEqualTo(FakeVault.RENEW_SELF)).withHeader("X-Vault-Token", equalTo(TOKEN))))
                .isGreaterThanOrEqualTo(2);
    }

    private double refreshes(String result) {
        var counter = registry.find("switchboard_credentials_refresh_total")
                .tag("result", result)
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
