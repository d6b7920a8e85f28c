package dev.switchboard.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * Where the local stack's stores are, as the project's scripts start them (see deploy/local),
 * each overridable by the same environment variables the services read.
 */
public final class LocalStack {

    private LocalStack() {}

    public static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** The PostgreSQL server, as {@code postgresql://host:port}, without a database. */
    public static URI postgresServer() {
        URI url = URI.create(env("POSTGRES_URL", "postgresql://127.0.0.1:5432/switchboard"));
        return URI.create(url.getScheme() + "://" + url.getHost() + ":" + (url.getPort() < 0 ? 5432 : url.getPort()));
    }

    public static String postgresTestDatabase() {
        return env("POSTGRES_TEST_DATABASE", "switchboard_test");
    }

    public static String postgresUser() {
        return env("POSTGRES_USER", "switchboard");
    }

    public static String postgresPassword() {
        return env("POSTGRES_PASSWORD", "switchboard");
    }

    public static URI redis() {
        return URI.create(env("REDIS_URL", "redis://127.0.0.1:6379"));
    }

    public static URI clickhouse() {
        return URI.create(env("CLICKHOUSE_URL", "http://127.0.0.1:8123"));
    }

    /** Fails fast, naming the command that fixes it, when a store is not listening. */
    public static void requireListening(String what, URI address, int defaultPort) {
        int port = address.getPort() < 0 ? defaultPort : address.getPort();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.getHost(), port), 2000);
        } catch (IOException e) {
            throw new IllegalStateException(
                    what + " is not listening on " + address.getHost() + ":" + port
                            + "; start the local stack with `deploy/local/stack.sh start` (or `make stack`)",
                    e);
        }
    }
}
