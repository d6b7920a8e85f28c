package dev.switchboard.testsupport;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A FAKE of HashiCorp Vault's HTTP API (WireMock stubs), not Vault: no Vault server can run on this
 * machine. It answers only the calls Quarkus Vault makes for the router's credentials, in Vault's
 * documented shapes: KV v2 read ({@code GET /v1/secret/data/<path>}, {@code X-Vault-Token}),
 * {@code POST /v1/auth/token/renew-self}, {@code POST /v1/auth/kubernetes/login}, and Vault's error
 * body ({@code {"errors":[...]}}) for 403 and 503.
 */
public class FakeVault implements QuarkusTestResourceLifecycleManager {

    public static final String KV_PATH = "/v1/secret/data/switchboard/providers";
    public static final String RENEW_SELF = "/v1/auth/token/renew-self";
    public static final String K8S_LOGIN = "/v1/auth/kubernetes/login";

    static WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        return Map.of("quarkus.vault.url", "http://127.0.0.1:" + server.port());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /**
     * The settings that make {@code switchboard.credentials} read from this fake every 300 ms,
     * plus {@code more} (how the service authenticates: a client token, or Kubernetes auth).
     */
    public static Map<String, String> credentialsFromVault(Map<String, String> more) {
        Map<String, String> config = new java.util.HashMap<>(more);
        config.put("switchboard.credentials.source", "vault");
        config.put("switchboard.credentials.refresh-interval", "300ms");
        return config;
    }

    public static WireMockServer server() {
        return server;
    }

    /** The KV v2 secret, answered to {@code token} only (403 otherwise, as Vault does). */
    public static void secret(String token, Map<String, String> data) {
        StringBuilder json = new StringBuilder("{");
        data.forEach((k, v) -> json.append(json.length() > 1 ? "," : "")
                .append('"')
                .append(k)
                .append("\":\"")
                .append(v)
                .append('"'));
        json.append('}');
        server.stubFor(kvRead().atPriority(10).willReturn(errors(403, "permission denied")));
        server.stubFor(kvRead().atPriority(1)
                .withHeader("X-Vault-Token", equalTo(token))
                .willReturn(okJson("""
                {"request_id":"fake-1","lease_id":"","renewable":false,"lease_duration":0,
                 "data":{"data":%s,"metadata":{"created_time":"2026-11-26T10:00:00Z","deletion_time":"","destroyed":false,"version":3}},
                 "wrap_info":null,"warnings":null,"auth":null}""".formatted(json))));
    }

    /** Every KV read answers {@code status} with Vault's error body. */
    public static void secretFails(int status, String error) {
        server.stubFor(kvRead().atPriority(1).willReturn(errors(status, error)));
    }

    /** renew-self grants {@code leaseSeconds} to {@code token}. */
    public static void renewable(String token, int leaseSeconds) {
        server.stubFor(post(urlEqualTo(RENEW_SELF))
                .withHeader("X-Vault-Token", equalTo(token))
                .willReturn(okJson(auth(token, leaseSeconds))));
    }

    /** Kubernetes login for {@code role} with {@code jwt} yields {@code token}. */
    public static void kubernetesLogin(String role, String jwt, String token, int leaseSeconds) {
        server.stubFor(post(urlEqualTo(K8S_LOGIN))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.equalToJson(
                        "{\"role\":\"" + role + "\",\"jwt\":\"" + jwt + "\"}", true, true))
                .willReturn(okJson(auth(token, leaseSeconds))));
    }

    public static int count(RequestPatternBuilder pattern) {
        return server.countRequestsMatching(pattern.build()).getCount();
    }

    private static MappingBuilder kvRead() {
        return get(urlEqualTo(KV_PATH));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder errors(int status, String error) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[\"" + error + "\"]}");
    }

    private static String auth(String token, int leaseSeconds) {
        return """
                {"request_id":"fake-2","lease_id":"","renewable":false,"lease_duration":0,"data":null,"wrap_info":null,"warnings":null,
                 "auth":{"client_token":"%s","accessor":"fake-accessor","policies":["default","switchboard-router"],
                         "token_policies":["default","switchboard-router"],"metadata":{"role":"switchboard-router"},
                         "lease_duration":%d,"renewable":true,"entity_id":"fake-entity","token_type":"service","orphan":true,"num_uses":0}}""".formatted(token, leaseSeconds);
    }
}
