package dev.switchboard.simulator;

import io.vertx.core.Vertx;

/**
 * Starts the simulator as a process. Configuration by environment: {@code SIM_PORT} (8090),
 * {@code SIM_HOST} (127.0.0.1), {@code SIM_CONFIG} (a JSON config file, see {@link SimulatorConfig})
 * and {@code SIM_KEY_<PROVIDER>} (the credential a provider accepts, over the config file's).
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        int port = Integer.parseInt(System.getenv().getOrDefault("SIM_PORT", "8090"));
        String host = System.getenv().getOrDefault("SIM_HOST", "127.0.0.1");
        SimulatorConfig config = SimulatorConfig.fromEnvironment(System.getenv());
        Vertx vertx = Vertx.vertx();
        ProviderSimulator simulator = new ProviderSimulator(vertx, config);
        simulator
                .start(host, port)
                .onSuccess(server -> System.out.println(
                        "provider-simulator (test double) listening on http://" + host + ":" + server.actualPort()))
                .onFailure(e -> {
                    System.err.println("provider-simulator failed to start: " + e.getMessage());
                    System.exit(1);
                });
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() ->
                        vertx.close().toCompletionStage().toCompletableFuture().join()));
    }
}
