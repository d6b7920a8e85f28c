package dev.switchboard.prober;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.catalog.CatalogLoader;
import dev.switchboard.testsupport.FakeVault;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.RedisResource;
import dev.switchboard.testsupport.SimulatorResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * With {@code switchboard.credentials.source=vault} the prober probes with the credentials Vault
 * holds, as the router calls with them ({@link FakeVault}, a labelled fake of Vault's HTTP API,
 * stands in for Vault). The configuration holds the key the simulator accepts and Vault a revoked
 * one: the probe presents Vault's, the provider refuses it, and the provider shows as down; once
 * the key is rotated in Vault, the next probes present the new one and the provider is up again.
 */
@QuarkusTest
@TestProfile(VaultCredentialsProbeTest.FromVault.class)
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = false)
class VaultCredentialsProbeTest {

    static final String TOKEN = "s.fake-prober-token";
    static final String PROVIDER = "fireworks";
    static final String REVOKED = "fw-revoked-key";

    public static class FromVault implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return FakeVault.credentialsFromVault(Map.of(
                    "switchboard.credentials.vault.renew-token",
                    "false",
                    "quarkus.vault.authentication.client-token",
                    TOKEN));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(RevokedKey.class));
        }
    }

    /** The fake, holding the revoked key before the prober starts. */
    public static class RevokedKey extends FakeVault {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = super.start();
            secret(TOKEN, Map.of(PROVIDER, REVOKED));
            return config;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    RedisDataSource redis;

    private JsonNode status() throws Exception {
        String value = redis.value(String.class).get("provider:" + PROVIDER + ":status");
        return value == null ? null : JSON.readTree(value);
    }

    private boolean probed(String state) throws Exception {
        JsonNode status = status();
        return status != null
                && state.equals(status.path("state").asText())
                && "probe".equals(status.path("source").asText());
    }

    @Test
    void theProberProbesWithTheCredentialVaultHolds() {
        long refusedBefore = SimulatorResource.simulator().unauthorized(PROVIDER);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> probed("down") && SimulatorResource.simulator().unauthorized(PROVIDER) > refusedBefore);

        FakeVault.secret(
                TOKEN,
                Map.of(
                        PROVIDER,
                        SimulatorResource.credential(CatalogLoader.builtIn().requireProvider(PROVIDER))));
        await().atMost(Duration.ofSeconds(15)).until(() -> probed("up"));
    }
}
