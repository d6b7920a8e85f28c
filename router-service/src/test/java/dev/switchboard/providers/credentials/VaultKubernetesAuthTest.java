package dev.switchboard.providers.credentials;

import dev.switchboard.router.RouteCalls;
import dev.switchboard.testsupport.FakeVault;
import dev.switchboard.wire.RouteEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Vault's Kubernetes auth as a pod uses it, against {@link FakeVault}: the router logs in with its
 * service-account token and role, reads the secret with the token it got, and Quarkus Vault renews
 * that token (its lease is inside the renew grace period).
 */
@QuarkusTest
@TestProfile(VaultKubernetesAuthTest.KubernetesAuth.class)
class VaultKubernetesAuthTest {

    static final String ROLE = "switchboard-router";
    static final String JWT = "eyJhbGciOiJSUzI1NiJ9.fake-service-account-token.sig";
    static final String LOGIN_TOKEN = "s.fake-kubernetes-login";

    public static class KubernetesAuth implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path jwt;
            try {
                jwt = Files.createTempFile("sa-token", ".jwt");
                Files.writeString(jwt, JWT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            jwt.toFile().deleteOnExit();
            return FakeVault.credentialsFromVault(Map.of(
                    "quarkus.vault.authentication.kubernetes.role",
                    ROLE,
                    "quarkus.vault.authentication.kubernetes.jwt-token-path",
                    jwt.toString(),
                    // outside a pod there is no service-account CA; the fake speaks plain HTTP anyway
                    "quarkus.vault.tls.use-kubernetes-ca-cert",
                    "false",
                    "quarkus.vault.renew-grace-period",
                    "1h"));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LoginFirst.class));
        }
    }

    public static class LoginFirst extends FakeVault {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = super.start();
            kubernetesLogin(ROLE, JWT, LOGIN_TOKEN, 3601);
            renewable(LOGIN_TOKEN, 3601);
            secret(LOGIN_TOKEN, VaultCredentialsTest.good());
            return config;
        }
    }

    @Inject
    VaultCredentialSource vault;

    @Inject
    CredentialSource credentials;

    @Test
    void logsInWithTheServiceAccountReadsWithTheLoginTokenAndRenewsIt() {
        assertThat(vault.loaded()).as("last failure: %s", vault.lastFailure()).isTrue();
        assertThat(FakeVault.count(postRequestedFor(urlEqualTo(FakeVault.K8S_LOGIN))
                        .withRequestBody(equalToJson("{\"role\":\"" + ROLE + "\",\"jwt\":\"" + JWT + "\"}"))))
                .isGreaterThanOrEqualTo(1);
        assertThat(FakeVault.count(getRequestedFor(urlEqualTo(FakeVault.KV_PATH))
                        .withHeader("X-Vault-Token", equalTo(LOGIN_TOKEN))))
                .isGreaterThanOrEqualTo(1);
        // a lease of 1 h 1 s: a second later it is inside the 1 h grace period, and Quarkus Vault renews it as it uses
        // it
        await().atMost(Duration.ofSeconds(5))
                .until(() -> FakeVault.count(postRequestedFor(urlEqualTo(FakeVault.RENEW_SELF))
                                .withHeader("X-Vault-Token", equalTo(LOGIN_TOKEN)))
                        >= 1);
        // no renew-self of our own with a login token: that is Quarkus Vault's job
        assertThat(vault.tokenRenewals()).isZero();
        assertThat(credentials.credential(VaultCredentialsTest.PROVIDER))
                .contains(VaultCredentialsTest.good().get(VaultCredentialsTest.PROVIDER));
        assertThat(RouteCalls.last(RouteCalls.pinned(VaultCredentialsTest.PROVIDER, VaultCredentialsTest.MODEL)))
                .isInstanceOf(RouteEvent.Completed.class);
    }
}
