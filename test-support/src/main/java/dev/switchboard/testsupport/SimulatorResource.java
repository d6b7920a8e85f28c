package dev.switchboard.testsupport;

import dev.switchboard.catalog.CatalogLoader;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.simulator.ProviderSimulator;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the provider simulator (a test double) inside the test JVM and points every catalog
 * provider at it, with the credential the simulator expects for that provider.
 */
public final class SimulatorResource implements QuarkusTestResourceLifecycleManager {

    private static Vertx vertx;
    private static ProviderSimulator simulator;

    public static synchronized ProviderSimulator simulator() {
        if (simulator == null) {
            vertx = Vertx.vertx();
            simulator = new ProviderSimulator(vertx, Map.of());
            try {
                simulator
                        .start("127.0.0.1", 0)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("provider simulator did not start", e);
            }
        }
        return simulator;
    }

    /**
     * The simulator's stand-in for a provider's base URL: its name, then the path of the real base
     * URL ({@code https://api.groq.com/openai/v1} → {@code http://127.0.0.1:<port>/groq/openai/v1}), so
     * every adapter builds the same paths as against the real provider.
     */
    public static String baseUrl(ProviderSpec provider) {
        return "http://127.0.0.1:" + simulator().port() + "/" + provider.name()
                + java.net.URI.create(provider.baseUrl()).getPath();
    }

    /** The credential the simulator accepts from a provider ({@code access key id:secret} for Bedrock's signing). */
    public static String credential(ProviderSpec provider) {
        String key = ProviderSimulator.defaultCredential(provider.name());
        return "bedrock-converse".equals(provider.family()) ? "sim-" + provider.name() + "-akid:" + key : key;
    }

    @Override
    public Map<String, String> start() {
        simulator();
        Map<String, String> config = new HashMap<>();
        for (ProviderSpec provider : CatalogLoader.builtIn().providers()) {
            config.put("switchboard.providers." + provider.name() + ".base-url", baseUrl(provider));
            config.put("switchboard.providers." + provider.name() + ".api-key", credential(provider));
        }
        return config;
    }

    @Override
    public void stop() {
        synchronized (SimulatorResource.class) {
            if (vertx != null) {
                vertx.close().toCompletionStage().toCompletableFuture().join();
                vertx = null;
                simulator = null;
            }
        }
    }
}
