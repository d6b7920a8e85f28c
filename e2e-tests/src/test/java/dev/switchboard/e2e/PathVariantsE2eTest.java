package dev.switchboard.e2e;

import dev.switchboard.testsupport.RouteRequests;
import dev.switchboard.wire.RouteRequest;
import dev.switchboard.wire.RoutingPreferences;
import dev.switchboard.wire.WireCodec;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The internal and admin endpoints cannot be reached without their credential through a variant of
 * their path: a doubled or dotted segment ({@code //}, {@code /./}, {@code /x/../}), an encoded slash
 * or letter ({@code %2F}, {@code %69}), a matrix parameter, another case. Each endpoint is first called
 * with its credential at its own path (200: the request would work if it got through); then every
 * variant, sent byte for byte over a socket (no client normalizes it), without the credential, must
 * be refused (4xx), not served.
 */
@Order(16)
class PathVariantsE2eTest {

    /** One endpoint: its service's port, method, path (with query), body, and the credential header it needs. */
    record Endpoint(int port, String method, String path, byte[] body, String credentialHeader, String credential) {}

    static List<Endpoint> endpoints() {
        String token = Stack.getOr("SWITCHBOARD_INTERNAL_TOKEN", "dev-internal-token");
        long now = System.currentTimeMillis();
        String window = "?from=" + (now - 60_000) + "&to=" + now; // epoch milliseconds
        RouteRequest chat = RouteRequests.shortChat(
                "gen-" + UUID.randomUUID(),
                "openai/gpt-4o-mini",
                new RoutingPreferences(
                        List.of(), true, false, false, false, List.of(), List.of(), List.of(), null, null, null));
        return List.of(
                new Endpoint(
                        8081,
                        "GET",
                        "/admin/v1/accounts/" + Stack.get("SWITCHBOARD_ACCOUNT_ID"),
                        null,
                        "Authorization",
                        "Bearer " + Stack.get("SWITCHBOARD_ADMIN_TOKEN")),
                new Endpoint(
                        8081,
                        "POST",
                        "/internal/v1/keys/verify",
                        ("{\"key\":\"" + Stack.key() + "\"}").getBytes(StandardCharsets.UTF_8),
                        "X-Switchboard-Service-Token",
                        token),
                new Endpoint(
                        8082,
                        "POST",
                        "/internal/v1/chat",
                        WireCodec.encode(chat),
                        "X-Switchboard-Service-Token",
                        token),
                new Endpoint(
                        8083,
                        "GET",
                        "/internal/v1/reconcile/ledger" + window,
                        null,
                        "X-Switchboard-Service-Token",
                        token),
                new Endpoint(
                        8084,
                        "GET",
                        "/internal/v1/reconcile/generations" + window,
                        null,
                        "X-Switchboard-Service-Token",
                        token));
    }

    /** Ways to write {@code path} that a lax matcher might still route to it. */
    static List<String> variants(String path) {
        int second = path.indexOf('/', 1);
        String first = path.substring(1, second); // "internal" or "admin"
        String rest = path.substring(second); // "/v1/..."
        return List.of(
                "/" + path,
                "/." + path,
                "/x/.." + path,
                "/%2F" + path.substring(1),
                "/" + first + "%2F" + rest.substring(1),
                "/" + first + "//" + rest.substring(1),
                "/" + first + "/." + rest,
                "/" + first + ";x=1" + rest,
                "/%" + Integer.toHexString(first.charAt(0)) + first.substring(1) + rest,
                "/" + Character.toUpperCase(first.charAt(0)) + first.substring(1) + rest);
    }

    @Test
    void noVariantOfAnInternalOrAdminPathGetsPastItsCredential() {
        List<String> served = new ArrayList<>();
        for (Endpoint endpoint : endpoints()) {
            assertThat(status(endpoint, endpoint.path(), true))
                    .as("%s :%d %s with its credential", endpoint.method(), endpoint.port(), endpoint.path())
                    .isEqualTo(200);
            assertThat(status(endpoint, endpoint.path(), false)).isEqualTo(401);
            for (String variant : variants(endpoint.path())) {
                int status = status(endpoint, variant, false);
                if (status < 400 || status >= 500) {
                    served.add(endpoint.method() + " :" + endpoint.port() + " " + variant + " → " + status);
                }
            }
        }
        assertThat(served).as("variants answered without their credential").isEmpty();
    }

    /** Sends the request over a plain socket, exactly as written; answers the response's status. */
    static int status(Endpoint endpoint, String path, boolean withCredential) {
        try (Socket socket = new Socket("127.0.0.1", endpoint.port())) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder()
                    .append(endpoint.method())
                    .append(' ')
                    .append(path)
                    .append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                    .append(endpoint.port())
                    .append("\r\nConnection: close\r\n");
            if (withCredential) {
                head.append(endpoint.credentialHeader())
                        .append(": ")
                        .append(endpoint.credential())
                        .append("\r\n");
            }
            byte[] body = endpoint.body() == null ? new byte[0] : endpoint.body();
            if (endpoint.body() != null) {
                head.append("Content-Type: application/json\r\nContent-Length: ")
                        .append(body.length)
                        .append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder statusLine = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                statusLine.append((char) c);
            }
            String[] parts = statusLine.toString().split(" ");
            if (parts.length < 2) {
                throw new AssertionError("no status line from :" + endpoint.port() + " for " + path);
            }
            return Integer.parseInt(parts[1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
