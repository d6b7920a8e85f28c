package dev.switchboard.testsupport;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * The fabric8 mock Kubernetes API server in CRUD mode (no API server runs here), with the service's
 * Kubernetes client pointed at it in namespace {@link #NAMESPACE}. A test subclasses it to put its
 * objects in place before the service starts ({@link #seed}), and reaches them through {@link #client()}.
 */
public abstract class MockKubernetesApi implements QuarkusTestResourceLifecycleManager {

    public static final String NAMESPACE = "switchboard";

    private static KubernetesMockServer server;
    private static KubernetesClient client;

    /** Creates what must exist before the service starts. */
    protected abstract void seed(KubernetesClient client);

    @Override
    public Map<String, String> start() {
        server = new KubernetesMockServer(
                new io.fabric8.mockwebserver.Context(),
                new MockWebServer(),
                new HashMap<>(),
                new KubernetesCrudDispatcher(),
                false);
        server.init();
        client = server.createClient();
        seed(client);
        return Map.of(
                "quarkus.kubernetes-client.api-server-url",
                client.getMasterUrl().toString(),
                "quarkus.kubernetes-client.trust-certs",
                "true",
                "quarkus.kubernetes-client.namespace",
                NAMESPACE);
    }

    @Override
    public void stop() {
        client.close();
        server.destroy();
    }

    /** A client of the running mock server. */
    public static KubernetesClient client() {
        return client;
    }
}
